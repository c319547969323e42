import { type FastifyPluginAsyncTypebox, Type } from '@fastify/type-provider-typebox';
import { expandSerialList, type GenerateMode, generateModes, generateSerials, HTTP_MAX_GENERATE } from '../../services/generation.service.ts';
import { DEFAULT_COLUMNS, MAX_COLUMNS, MAX_LABELS, renderLabelSheet, type Symbology, symbologies } from '../../services/labels.service.ts';
import type { Db } from '../../storage/database.ts';
import { Serial, Sku } from '../schemas.ts';

/** A string out of a fixed list; refused as "field: must be one of a, b". */
const OneOf = <T extends string>(values: readonly T[], description: string) =>
  Type.Unsafe<T>({ type: 'string', enum: [...values], description });

const SkuParams = Type.Object({ sku: Sku });

/** Anything that is not a safe file-name character becomes "_". */
const fileNamePart = (text: string) => text.replace(/[^A-Za-z0-9._-]/g, '_');

export const generationRoutes: FastifyPluginAsyncTypebox<{ db: Db }> = async (app, { db }) => {
  app.post(
    '/products/:sku/serials/generate',
    {
      config: { role: 'admin' },
      schema: {
        tags: ['serials'],
        summary: "Generate serials from the SKU's serial format and register them as in-stock units",
        params: SkuParams,
        body: Type.Object(
          {
            count: Type.Integer({ minimum: 1, maximum: HTTP_MAX_GENERATE }),
            mode: OneOf<GenerateMode>(generateModes, 'sequence: the next values of the SKU counter; random: unguessable serials'),
            year: Type.Optional(Type.Integer({ minimum: 1900, maximum: 2099, description: 'fills {YYYY}/{YY}; default: the current UTC year' })),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      const result = await generateSerials(
        db,
        request.actor,
        { sku: request.params.sku, ...request.body },
        { maxCount: HTTP_MAX_GENERATE },
      );
      return reply.status(201).send({
        sku: result.sku,
        mode: result.mode,
        count: result.count,
        serials: result.serials,
        first: result.first,
        last: result.last,
        batch: result.batch,
        skipped: result.skipped,
      });
    },
  );

  app.post(
    '/products/:sku/labels',
    {
      config: { role: 'viewer' },
      schema: {
        tags: ['serials'],
        summary: 'A printable SVG sheet (A4 pages) of barcode labels for serials of the SKU',
        params: SkuParams,
        body: Type.Object(
          {
            serials: Type.Array(Serial, { minItems: 1, maxItems: MAX_LABELS }),
            symbology: OneOf<Symbology>(symbologies, 'code128: the serial; gs1-128 and gs1datamatrix: (01) GTIN and (21) serial'),
            columns: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_COLUMNS, default: DEFAULT_COLUMNS })),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      const sheet = await renderLabelSheet(db, request.actor, request.params.sku, request.body);
      return reply
        .type('image/svg+xml; charset=utf-8')
        .header('content-disposition', `inline; filename="labels-${fileNamePart(request.params.sku)}.svg"`)
        .send(sheet.svg);
    },
  );

  app.post(
    '/serials/expand',
    {
      config: { role: 'viewer' },
      schema: {
        tags: ['serials'],
        summary: 'Expand a typed or pasted serial list (SN0001-SN0050, 10+3, one per line) into its serials',
        body: Type.Object(
          {
            text: Type.String({ maxLength: 8_000_000 }),
            sku: Type.Optional(Sku),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request) => expandSerialList(db, request.actor, request.body),
  );
};
