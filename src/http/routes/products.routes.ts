import { type FastifyPluginAsyncTypebox, Type } from '@fastify/type-provider-typebox';
import {
  bulkEditProducts,
  changeProduct,
  createProduct,
  findProducts,
  getProduct,
} from '../../services/products.service.ts';
import type { Db } from '../../storage/database.ts';
import { presentProduct } from '../presenters.ts';
import { PageQuery, Sku } from '../schemas.ts';

const Gtin = Type.String({ minLength: 1, maxLength: 14, description: 'GTIN-8, UPC-A, EAN-13 or GTIN-14; stored as 14 digits' });
const SerialFormat = Type.String({ maxLength: 200 });

export const productsRoutes: FastifyPluginAsyncTypebox<{ db: Db }> = async (app, { db }) => {
  app.post(
    '/products',
    {
      config: { role: 'admin' },
      schema: {
        tags: ['products'],
        body: Type.Object(
          {
            sku: Sku,
            name: Type.String({ minLength: 1, maxLength: 200 }),
            gtin: Type.Optional(Type.Union([Gtin, Type.Null()])),
            needsSerialNumber: Type.Optional(Type.Boolean()),
            serialFormat: Type.Optional(Type.Union([SerialFormat, Type.Null()])),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => reply.status(201).send(presentProduct(await createProduct(db, request.actor, request.body))),
  );

  app.get(
    '/products',
    {
      config: { role: 'viewer' },
      schema: {
        tags: ['products'],
        querystring: Type.Object(
          {
            needsSerialNumber: Type.Optional(Type.Boolean()),
            q: Type.Optional(Type.String({ maxLength: 200 })),
            ...PageQuery,
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request) => {
      const page = await findProducts(db, request.actor, { ...request.query, limit: request.query.limit ?? 50 });
      return { items: page.items.map(presentProduct), nextCursor: page.nextCursor };
    },
  );

  app.post(
    '/products/bulk-edit',
    {
      config: { role: 'admin' },
      schema: {
        tags: ['products'],
        body: Type.Object(
          {
            skus: Type.Array(Sku, { minItems: 1, maxItems: 10_000 }),
            set: Type.Object({ needsSerialNumber: Type.Boolean() }, { additionalProperties: false }),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request) => bulkEditProducts(db, request.actor, request.body),
  );

  const SkuParams = Type.Object({ sku: Sku });

  app.get(
    '/products/:sku',
    { config: { role: 'viewer' }, schema: { tags: ['products'], params: SkuParams } },
    async (request) => presentProduct(await getProduct(db, request.actor, request.params.sku)),
  );

  app.patch(
    '/products/:sku',
    {
      config: { role: 'admin' },
      schema: {
        tags: ['products'],
        params: SkuParams,
        body: Type.Object(
          {
            name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
            gtin: Type.Optional(Type.Union([Gtin, Type.Null()])),
            needsSerialNumber: Type.Optional(Type.Boolean()),
            serialFormat: Type.Optional(Type.Union([SerialFormat, Type.Null()])),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request) => presentProduct(await changeProduct(db, request.actor, request.params.sku, request.body)),
  );
};
