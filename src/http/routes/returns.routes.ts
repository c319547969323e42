import { type FastifyPluginAsyncTypebox, Type } from '@fastify/type-provider-typebox';
import { MAX_RETURN_ITEMS, NOTE_MAX_LENGTH, REASON_MAX_LENGTH, returnConditions, returnItemDispositions, reviewDecisions } from '../../core/returns.ts';
import { addReturnItems, createReturn, decideReview, disposeReturn, findReturns, getReturn } from '../../services/returns.service.ts';
import type { Db } from '../../storage/database.ts';
import { presentReturn, presentReturnSummary } from '../presenters.ts';
import { PageQuery, Serial, Sku, Station } from '../schemas.ts';

const literals = <T extends string>(values: readonly T[], description?: string) =>
  Type.Union(values.map((v) => Type.Literal(v)), description ? { description } : {});

const ReturnParams = Type.Object({ returnId: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }) });
const ItemParams = Type.Object({
  returnId: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }),
  index: Type.Integer({ minimum: 0, maximum: 1_000_000 }),
});

const ReturnItem = Type.Object(
  {
    sku: Type.Optional(Sku),
    serial: Type.Optional(Serial),
    scan: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 8000,
        description: 'what a scanner sent instead of serial: a GS1 element string or Digital Link with (01) and (21), or a plain serial',
      }),
    ),
    scanned: Type.Optional(Type.Boolean({ description: 'true when a scanner sent it (default: true for scan, false for serial)' })),
    condition: Type.Optional(literals(returnConditions)),
    reason: Type.Optional(Type.String({ maxLength: REASON_MAX_LENGTH * 2, description: `why it came back; trimmed, at most ${REASON_MAX_LENGTH} characters` })),
  },
  { additionalProperties: false },
);
const Items = Type.Array(ReturnItem, { minItems: 1, maxItems: MAX_RETURN_ITEMS });
const Note = Type.String({ maxLength: NOTE_MAX_LENGTH * 2, description: `trimmed, at most ${NOTE_MAX_LENGTH} characters` });

const VERDICTS =
  'Each item gets a verdict: match (it shipped in this order and had not come back: taken back, status returned, disposition pending), or a mismatch held for review: already_returned, shipped_to_other_customer (never names that customer or order), shipped_in_other_order (this customer\'s other order, named), not_on_order, unknown_serial, wrong_serial. See docs/returns.md.';

export const returnsRoutes: FastifyPluginAsyncTypebox<{ db: Db }> = async (app, { db }) => {
  app.post(
    '/returns',
    {
      config: { role: 'packer' },
      schema: {
        tags: ['returns'],
        description: `Records returned units of a shipped order (409 ORDER_NOT_SHIPPED otherwise). ${VERDICTS}`,
        body: Type.Object(
          {
            orderNumber: Type.String({ minLength: 1, maxLength: 64 }),
            rmaNumber: Type.Optional(Type.Union([Type.String({ maxLength: 200 }), Type.Null()])),
            items: Items,
            station: Station,
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      const { station, ...input } = request.body;
      return reply.status(201).send(presentReturn(await createReturn(db, request.actor, input, { station })));
    },
  );

  app.post(
    '/returns/:returnId/items',
    {
      config: { role: 'packer' },
      schema: {
        tags: ['returns'],
        description: `Adds returned units to a return (the next scan at the desk). ${VERDICTS}`,
        params: ReturnParams,
        body: Type.Object({ items: Items, station: Station }, { additionalProperties: false }),
      },
    },
    async (request, reply) => {
      const { station, ...input } = request.body;
      return reply.status(201).send(presentReturn(await addReturnItems(db, request.actor, request.params.returnId, input, { station })));
    },
  );

  app.get(
    '/returns',
    {
      config: { role: 'viewer' },
      schema: {
        tags: ['returns'],
        querystring: Type.Object(
          {
            orderNumber: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
            rmaNumber: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
            disposition: Type.Optional(literals(returnItemDispositions, 'returns with at least one item of this disposition (review: the review queue)')),
            ...PageQuery,
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request) => {
      const page = await findReturns(db, request.actor, { ...request.query, limit: request.query.limit ?? 50 });
      return { items: page.items.map(presentReturnSummary), nextCursor: page.nextCursor };
    },
  );

  app.get(
    '/returns/:returnId',
    { config: { role: 'viewer' }, schema: { tags: ['returns'], params: ReturnParams } },
    async (request) => presentReturn(await getReturn(db, request.actor, request.params.returnId)),
  );

  for (const action of ['restock', 'scrap'] as const) {
    app.post(
      `/returns/:returnId/items/:index/${action}`,
      {
        config: { role: 'packer' },
        schema: {
          tags: ['returns'],
          description:
            action === 'restock'
              ? 'Puts a returned unit back in stock (it may be packed again). Refused while it is held for review or quarantined (422 SERIAL_ON_HOLD) and for a recalled unit (422 SERIAL_RECALLED).'
              : 'Scraps a returned unit (it is never packed again). Refused while it is held for review or quarantined (422 SERIAL_ON_HOLD).',
          params: ItemParams,
          body: Type.Object({ note: Type.Optional(Note), station: Station }, { additionalProperties: false }),
        },
        // The body is optional: a bare POST (curl -X POST) is an empty one.
        preValidation: async (request) => {
          request.body ??= {};
        },
      },
      async (request) => {
        const body = request.body;
        const { returnId, index } = request.params;
        return presentReturn(await disposeReturn(db, request.actor, returnId, index, action, body, { station: body.station }));
      },
    );
  }

  app.post(
    '/returns/:returnId/items/:index/review',
    {
      config: { role: 'admin' },
      schema: {
        tags: ['returns'],
        description:
          'An admin decides on an item held for review: accept takes the unit in as returned (then restock or scrap it), reject leaves it where the registry had it. Either lifts its quarantine. The note is required.',
        params: ItemParams,
        body: Type.Object({ decision: literals(reviewDecisions), note: Note, station: Station }, { additionalProperties: false }),
      },
    },
    async (request) => {
      const { station, ...input } = request.body;
      const { returnId, index } = request.params;
      return presentReturn(await decideReview(db, request.actor, returnId, index, input, { station }));
    },
  );
};
