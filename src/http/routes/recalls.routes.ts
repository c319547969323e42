import { PassThrough } from 'node:stream';
import { type FastifyPluginAsyncTypebox, Type } from '@fastify/type-provider-typebox';
import type pg from 'pg';
import { MAX_RECALL_RANGES, MAX_RECALL_SERIALS } from '../../core/recalls.ts';
import {
  clearUnits,
  closeRecall,
  createRecall,
  getRecall,
  listRecalls,
  previewRecall,
  recallCustomersCsv,
  recallCustomersCsvHeader,
  recallCustomersPage,
} from '../../services/recalls.service.ts';
import type { Db } from '../../storage/database.ts';
import { presentRecall, presentRecallCustomer, presentRecallPreview, presentRecallSummary } from '../presenters.ts';
import { PageQuery, Serial, Sku } from '../schemas.ts';

const RecallParams = Type.Object({ recallId: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }) });

const Ranges = Type.Array(Type.Object({ from: Serial, to: Serial }, { additionalProperties: false }), {
  maxItems: MAX_RECALL_RANGES,
  description: 'serial ranges, ends included, compared by the number a serial ends with: SN0998 to SN1002 holds SN0999, SN999 and SN1000 (docs/recalls.md)',
});
const Serials = Type.Array(Serial, { maxItems: MAX_RECALL_SERIALS, description: 'exact serials' });

const Selection = {
  sku: Sku,
  serials: Type.Optional(Serials),
  ranges: Type.Optional(Ranges),
  lot: Type.Optional(Type.String({ maxLength: 64, description: 'units of this lot' })),
  shippedFrom: Type.Optional(
    Type.String({ maxLength: 40, description: 'units whose last order shipped on or after this UTC day (2026-11-01) or ISO timestamp' }),
  ),
  shippedTo: Type.Optional(Type.String({ maxLength: 40, description: 'last UTC day, inclusive, or ISO timestamp' })),
};

const selectionHelp =
  'Selects units of one SKU: serials and ranges together form one set (any of them matches); lot and ship dates narrow it. At least one criterion.';

export const recallsRoutes: FastifyPluginAsyncTypebox<{ db: Db; pool: pg.Pool }> = async (app, { db, pool }) => {
  app.post(
    '/recalls/preview',
    {
      config: { role: 'admin' },
      schema: {
        tags: ['recalls'],
        description: `What a recall with this selection would hold, counted now: units per status, customers and orders with units, open orders it would stop. Changes nothing. ${selectionHelp}`,
        body: Type.Object(Selection, { additionalProperties: false }),
      },
    },
    async (request) => presentRecallPreview(await previewRecall(db, request.actor, request.body)),
  );

  app.post(
    '/recalls',
    {
      config: { role: 'admin' },
      schema: {
        tags: ['recalls'],
        description: `Saves a recall and holds every unit it selects (hold recalled: not packed, shipped, restocked or received), with a recalled event per unit. ${selectionHelp} 422 RECALL_MATCHES_NOTHING when no unit matches.`,
        body: Type.Object(
          {
            name: Type.String({ minLength: 1, maxLength: 200 }),
            reason: Type.String({ minLength: 1, maxLength: 2000 }),
            ...Selection,
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      const recall = await createRecall(db, request.actor, request.body);
      return reply.status(201).header('location', `/api/v1/recalls/${recall.id}`).send(presentRecall(recall));
    },
  );

  app.get(
    '/recalls',
    {
      config: { role: 'viewer' },
      schema: {
        tags: ['recalls'],
        description: 'Recalls, newest first.',
        querystring: Type.Object(
          { status: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('closed')])), ...PageQuery },
          { additionalProperties: false },
        ),
      },
    },
    async (request) => {
      const page = await listRecalls(db, request.actor, { ...request.query, limit: request.query.limit ?? 50 });
      return { items: page.items.map(presentRecallSummary), nextCursor: page.nextCursor };
    },
  );

  app.get(
    '/recalls/:recallId',
    {
      config: { role: 'viewer' },
      schema: {
        tags: ['recalls'],
        description:
          'A recall, its selection, its units per status when saved, and its progress now: outstanding (still with customers), returned, in stock, packed (in open orders, which cannot ship), scrapped, cleared.',
        params: RecallParams,
      },
    },
    async (request) => presentRecall(await getRecall(db, request.actor, request.params.recallId)),
  );

  app.post(
    '/recalls/:recallId/clear',
    {
      config: { role: 'admin' },
      schema: {
        tags: ['recalls'],
        description:
          'Clears units of an open recall (inspected and fine, or selected by mistake): they stay in its record, marked cleared, and get their hold back unless another recall holds them.',
        params: RecallParams,
        body: Type.Object(
          { serials: Type.Optional(Serials), ranges: Type.Optional(Ranges), reason: Type.String({ minLength: 1, maxLength: 2000 }) },
          { additionalProperties: false },
        ),
      },
    },
    async (request) => {
      const result = await clearUnits(db, request.actor, request.params.recallId, request.body);
      return { cleared: result.cleared, released: result.released, recall: presentRecall(result.recall) };
    },
  );

  app.post(
    '/recalls/:recallId/close',
    {
      config: { role: 'admin' },
      schema: {
        tags: ['recalls'],
        description:
          'Ends a recall. Its record is kept whole and nothing is released: units not cleared stay recalled. Clear units before closing to release them.',
        params: RecallParams,
        body: Type.Optional(Type.Object({ note: Type.Optional(Type.String({ maxLength: 2000 })) }, { additionalProperties: false })),
      },
    },
    async (request) => presentRecall(await closeRecall(db, request.actor, request.params.recallId, request.body ?? {})),
  );

  app.get(
    '/recalls/:recallId/customers',
    {
      config: { role: 'viewer' },
      schema: {
        tags: ['recalls'],
        description:
          'The contact list: one row per customer who still has units of the recall (shipped to them, not returned, not cleared), with their orders and serials. format=csv streams every row (no paging).',
        params: RecallParams,
        querystring: Type.Object(
          { format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('csv')])), ...PageQuery },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      const { format, limit, cursor } = request.query;
      if (format === 'csv') {
        const { recall, rows } = await recallCustomersCsv(db, pool, request.actor, request.params.recallId);
        const stamp = new Date().toISOString().slice(0, 10);
        reply.header('content-type', 'text/csv; charset=utf-8');
        reply.header('content-disposition', `attachment; filename="recall-${recall.id}-customers-${stamp}.csv"`);
        reply.raw.on('close', () => rows.destroy());
        const body = new PassThrough();
        body.write(recallCustomersCsvHeader);
        rows.on('error', (error) => body.destroy(error));
        rows.pipe(body);
        return reply.send(body);
      }
      const page = await recallCustomersPage(db, request.actor, request.params.recallId, { limit: limit ?? 50, cursor });
      return { items: page.items.map(presentRecallCustomer), nextCursor: page.nextCursor };
    },
  );
};
