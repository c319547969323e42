import { type FastifyPluginAsyncTypebox, Type } from '@fastify/type-provider-typebox';
import { orderStatuses } from '../../core/model.ts';
import { cancelOrder, createOrder, findOrders, getOrder } from '../../services/orders.service.ts';
import { correctSerial } from '../../services/corrections.service.ts';
import { captureSerial, captureSerialBatch, recordScan, removeSerial, shipOrder } from '../../services/packing.service.ts';
import type { Db } from '../../storage/database.ts';
import { presentOrder, presentOrderSummary } from '../presenters.ts';
import { PageQuery, Serial, Sku, Station } from '../schemas.ts';

const OrderParams = Type.Object({ orderNumber: Type.String({ minLength: 1, maxLength: 64 }) });
const OptionalText = (max: number) => Type.Optional(Type.Union([Type.String({ maxLength: max }), Type.Null()]));

export const ordersRoutes: FastifyPluginAsyncTypebox<{ db: Db }> = async (app, { db }) => {
  app.post(
    '/orders',
    {
      config: { role: 'admin' },
      schema: {
        tags: ['orders'],
        body: Type.Object(
          {
            orderNumber: Type.String({ minLength: 1, maxLength: 64 }),
            type: Type.Union([Type.Literal('B2C'), Type.Literal('B2B')]),
            customer: Type.Object(
              {
                name: Type.String({ minLength: 1, maxLength: 200 }),
                email: OptionalText(254),
                company: OptionalText(200),
                externalId: OptionalText(100),
              },
              { additionalProperties: false },
            ),
            lines: Type.Array(
              Type.Object({ sku: Sku, quantity: Type.Integer({ minimum: 1, maximum: 100_000 }) }, { additionalProperties: false }),
              { minItems: 1, maxItems: 1000 },
            ),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => reply.status(201).send(presentOrder(await createOrder(db, request.actor, request.body))),
  );

  app.get(
    '/orders',
    {
      config: { role: 'viewer' },
      schema: {
        tags: ['orders'],
        querystring: Type.Object(
          {
            status: Type.Optional(Type.Union(orderStatuses.map((s) => Type.Literal(s)))),
            q: Type.Optional(Type.String({ maxLength: 200 })),
            ...PageQuery,
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request) => {
      const page = await findOrders(db, request.actor, { ...request.query, limit: request.query.limit ?? 50 });
      return { items: page.items.map(presentOrderSummary), nextCursor: page.nextCursor };
    },
  );

  app.get(
    '/orders/:orderNumber',
    { config: { role: 'viewer' }, schema: { tags: ['orders'], params: OrderParams } },
    async (request) => presentOrder(await getOrder(db, request.actor, request.params.orderNumber)),
  );

  app.post(
    '/orders/:orderNumber/cancel',
    { config: { role: 'admin' }, schema: { tags: ['orders'], params: OrderParams } },
    async (request) => presentOrder(await cancelOrder(db, request.actor, request.params.orderNumber)),
  );

  app.post(
    '/orders/:orderNumber/serials',
    {
      config: { role: 'packer' },
      schema: {
        tags: ['packing'],
        params: OrderParams,
        body: Type.Object(
          {
            sku: Sku,
            serial: Serial,
            scanned: Type.Optional(Type.Boolean({ description: 'true when a scanner sent it, false when typed' })),
            station: Station,
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      const { station, ...item } = request.body;
      const progress = await captureSerial(db, request.actor, request.params.orderNumber, item, { station });
      return reply.status(201).send(progress);
    },
  );

  app.post(
    '/orders/:orderNumber/scans',
    {
      config: { role: 'packer' },
      schema: {
        tags: ['packing'],
        description:
          'What a packing station sends for each scan: a plain serial (for `sku`, or for the only line still short of serials) or a GS1 element string / Digital Link with (01) and (21), which picks the line by GTIN and keeps lot (10) and expiry (17).',
        params: OrderParams,
        body: Type.Object(
          {
            data: Type.String({ minLength: 1, maxLength: 8000 }),
            sku: Type.Optional(Sku),
            scanned: Type.Optional(Type.Boolean()),
            station: Station,
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      const { station, ...input } = request.body;
      const result = await recordScan(db, request.actor, request.params.orderNumber, input, { station });
      return reply.status(201).send(result);
    },
  );

  app.post(
    '/orders/:orderNumber/serials/batch',
    {
      config: { role: 'packer' },
      schema: {
        tags: ['packing'],
        params: OrderParams,
        body: Type.Object(
          {
            items: Type.Array(
              Type.Object({ sku: Sku, serial: Serial, scanned: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
              { minItems: 1, maxItems: 50_000 },
            ),
            station: Station,
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      const result = await captureSerialBatch(db, request.actor, request.params.orderNumber, request.body.items, {
        station: request.body.station,
      });
      return reply.status(201).send(result);
    },
  );

  app.delete(
    '/orders/:orderNumber/serials',
    {
      config: { role: 'packer' },
      schema: {
        tags: ['packing'],
        params: OrderParams,
        body: Type.Object({ sku: Sku, serial: Serial, station: Station }, { additionalProperties: false }),
      },
    },
    async (request) => {
      const { station, ...item } = request.body;
      return removeSerial(db, request.actor, request.params.orderNumber, item, { station });
    },
  );

  app.post(
    '/orders/:orderNumber/corrections',
    {
      config: { role: 'admin' },
      schema: {
        tags: ['orders'],
        description:
          "Corrects a serial of a shipped order that proved wrong (the packer scanned another unit's label): `newSerial` takes the place of `serial` on the SKU's line, shipped in this order, judged like a capture (format, not out elsewhere, not held); the wrong unit goes back to where it was before. Nothing in the history is edited: the new unit gets a `correction` event and the old one a `corrected` event, both with the reason. Before shipping, remove the serial and capture the right one instead (409 ORDER_NOT_SHIPPED). Answers with the order.",
        params: OrderParams,
        body: Type.Object(
          {
            sku: Sku,
            serial: Serial,
            newSerial: Serial,
            reason: Type.String({ minLength: 1, maxLength: 500, description: 'why the serial was wrong; shown with the correction' }),
            scanned: Type.Optional(Type.Boolean({ description: 'true when the new serial was scanned, false (default) when typed' })),
            station: Station,
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      const { station, ...input } = request.body;
      const order = await correctSerial(db, request.actor, request.params.orderNumber, input, { station });
      return reply.status(201).send(presentOrder(order));
    },
  );

  app.post(
    '/orders/:orderNumber/ship',
    {
      config: { role: 'packer' },
      schema: {
        tags: ['packing'],
        params: OrderParams,
        body: Type.Optional(
          Type.Object(
            { carrier: OptionalText(100), trackingNumber: OptionalText(100), station: Station },
            { additionalProperties: false },
          ),
        ),
      },
    },
    async (request) => {
      const body = request.body ?? {};
      const order = await shipOrder(db, request.actor, request.params.orderNumber, body, { station: body.station });
      return presentOrder(order);
    },
  );
};
