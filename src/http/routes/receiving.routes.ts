import { type FastifyPluginAsyncTypebox, Type } from '@fastify/type-provider-typebox';
import {
  closeNotice,
  closeReceipt,
  createNotice,
  createReceipt,
  findNotices,
  findReceipts,
  getNotice,
  getReceipt,
  MAX_RECEIPT_SERIALS,
  scanIntoReceipt,
} from '../../services/receiving.service.ts';
import type { Db } from '../../storage/database.ts';
import {
  presentNotice,
  presentNoticeSummary,
  presentReceipt,
  presentReceiptResult,
  presentReceiptSummary,
  presentReceivingScan,
} from '../presenters.ts';
import { PageQuery, Serial, Sku, Station } from '../schemas.ts';

const Reference = Type.String({ minLength: 1, maxLength: 64 });
const ReceiptParams = Type.Object({ id: Type.String({ format: 'uuid', description: 'the receipt id a POST /receipts answered' }) });
const NoticeParams = Type.Object({ reference: Reference });
const Status = Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('closed')]));

const Line = Type.Object(
  {
    sku: Sku,
    serials: Type.Optional(Type.Array(Serial, { maxItems: MAX_RECEIPT_SERIALS, description: 'serials, each taken as it is' })),
    serialList: Type.Optional(
      Type.String({
        maxLength: 8_000_000,
        description: 'a typed or pasted list, expanded like POST /serials/expand: SN0001-SN0050, SN0010+3, one per line or comma-separated',
      }),
    ),
  },
  { additionalProperties: false },
);

export const receivingRoutes: FastifyPluginAsyncTypebox<{ db: Db }> = async (app, { db }) => {
  app.post(
    '/receipts',
    {
      config: { role: 'packer' },
      schema: {
        tags: ['receiving'],
        summary: 'Receive units into stock: one receipt, all or nothing (or open a receipt for station scans)',
        description: `Each serial is judged: a new unit is registered in stock with a \`received\` event; a unit in stock already is reported as such (\`alreadyInStock\`); a recalled or quarantined unit, a unit packed in an open order or shipped and not come back, one awaiting a return's disposition, or a scrapped one is refused. Any refusal refuses the whole receipt with 422 BATCH_REJECTED listing each item (unless \`skipRefused\`). With \`noticeReference\` the receipt is checked against that advance notice: units it did not expect are received and flagged. At most ${MAX_RECEIPT_SERIALS} serials per request.`,
        body: Type.Object(
          {
            reference: Type.Optional(Type.Union([Reference, Type.Null()], { description: "the supplier's delivery note, say" })),
            noticeReference: Type.Optional(Type.Union([Reference, Type.Null()])),
            open: Type.Optional(Type.Boolean({ description: 'keep the receipt open for POST /receipts/{id}/scans until POST /receipts/{id}/close' })),
            skipRefused: Type.Optional(Type.Boolean({ description: 'receive the good serials and answer the refused ones in `refused`' })),
            station: Station,
            lines: Type.Optional(Type.Array(Line, { maxItems: 1000 })),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      const { station, ...input } = request.body;
      const result = await createReceipt(db, request.actor, input, { station });
      return reply.status(201).send(presentReceiptResult(result));
    },
  );

  app.get(
    '/receipts',
    {
      config: { role: 'viewer' },
      schema: {
        tags: ['receiving'],
        querystring: Type.Object({ noticeReference: Type.Optional(Reference), status: Status, ...PageQuery }, { additionalProperties: false }),
      },
    },
    async (request) => {
      const page = await findReceipts(db, request.actor, { ...request.query, limit: request.query.limit ?? 50 });
      return { items: page.items.map(presentReceiptSummary), nextCursor: page.nextCursor };
    },
  );

  app.get(
    '/receipts/:id',
    { config: { role: 'viewer' }, schema: { tags: ['receiving'], params: ReceiptParams } },
    async (request) => presentReceipt(await getReceipt(db, request.actor, request.params.id)),
  );

  app.post(
    '/receipts/:id/scans',
    {
      config: { role: 'packer' },
      schema: {
        tags: ['receiving'],
        summary: 'One scan at a receiving station, into an open receipt',
        description:
          "`data` is a plain serial (for `sku`, or on a notice for the SKU that expects it), a GS1 element string or Digital Link with (01) and (21) (the product is found by GTIN; lot and expiry are kept), or a product's SKU or barcode, which chooses the product (`kind: product`, 200). A received unit answers 201, one in stock already 200 (`outcome: already_in_stock`); a refusal answers with its own code.",
        params: ReceiptParams,
        body: Type.Object(
          {
            data: Type.String({ minLength: 1, maxLength: 8000 }),
            sku: Type.Optional(Sku),
            scanned: Type.Optional(Type.Boolean({ description: 'true when a scanner sent it, false when typed' })),
            station: Station,
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      const { station, ...input } = request.body;
      const result = await scanIntoReceipt(db, request.actor, request.params.id, input, { station });
      return reply.status(result.kind === 'unit' && result.outcome === 'received' ? 201 : 200).send(presentReceivingScan(result));
    },
  );

  app.post(
    '/receipts/:id/close',
    { config: { role: 'packer' }, schema: { tags: ['receiving'], summary: 'Finish an open receipt', params: ReceiptParams } },
    async (request) => presentReceipt(await closeReceipt(db, request.actor, request.params.id)),
  );

  app.post(
    '/receipts/notices',
    {
      config: { role: 'admin' },
      schema: {
        tags: ['receiving'],
        summary: 'Store an advance notice (ASN): the units a supplier announced',
        body: Type.Object(
          {
            reference: Reference,
            supplier: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 200 }), Type.Null()])),
            expectedAt: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 40, description: 'a date or ISO timestamp' }), Type.Null()])),
            lines: Type.Array(Line, { minItems: 1, maxItems: 1000 }),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => reply.status(201).send(presentNotice(await createNotice(db, request.actor, request.body))),
  );

  app.get(
    '/receipts/notices',
    {
      config: { role: 'viewer' },
      schema: { tags: ['receiving'], querystring: Type.Object({ status: Status, ...PageQuery }, { additionalProperties: false }) },
    },
    async (request) => {
      const page = await findNotices(db, request.actor, { ...request.query, limit: request.query.limit ?? 50 });
      return { items: page.items.map(presentNoticeSummary), nextCursor: page.nextCursor };
    },
  );

  app.get(
    '/receipts/notices/:reference',
    {
      config: { role: 'viewer' },
      schema: {
        tags: ['receiving'],
        summary: "An advance notice with its progress: expected, matched, missing and unexpected units per SKU",
        params: NoticeParams,
      },
    },
    async (request) => presentNotice(await getNotice(db, request.actor, request.params.reference)),
  );

  app.post(
    '/receipts/notices/:reference/close',
    {
      config: { role: 'packer' },
      schema: {
        tags: ['receiving'],
        summary: 'Close an advance notice: its open receipts are finished and the discrepancy (missing, unexpected) is recorded',
        params: NoticeParams,
      },
    },
    async (request) => presentNotice(await closeNotice(db, request.actor, request.params.reference)),
  );
};
