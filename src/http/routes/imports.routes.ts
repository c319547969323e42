import type { Readable } from 'node:stream';
import { type FastifyPluginAsyncTypebox, Type } from '@fastify/type-provider-typebox';
import { importOrdersCsv, importProductsCsv, importReceiptsCsv } from '../../services/imports.service.ts';
import type { Db } from '../../storage/database.ts';

const ImportQuery = Type.Object(
  {
    dryRun: Type.Optional(Type.Boolean({ description: 'check the file and report, import nothing (a preview)' })),
    skipBadRows: Type.Optional(Type.Boolean({ description: 'import the good rows; without it one bad row imports nothing' })),
  },
  { additionalProperties: false },
);

export const importsRoutes: FastifyPluginAsyncTypebox<{ db: Db }> = async (app, { db }) => {
  // CSV bodies are read as a stream by the import, row by row.
  app.addContentTypeParser(['text/csv', 'application/csv'], (_request, payload, done) => done(null, payload));

  for (const [path, run, columns, tag, role] of [
    ['/products/import', importProductsCsv, 'sku,name,gtin,needsSerialNumber,serialFormat', 'products', 'admin'],
    ['/orders/import', importOrdersCsv, 'orderNumber,type,customerName,customerEmail,customerCompany,customerExternalId,sku,quantity', 'orders', 'admin'],
    // Receiving is warehouse work: a packer may receive, by scan or by file.
    ['/receipts/import', importReceiptsCsv, 'reference,sku,serial,noticeReference (one row per unit; rows with one reference make one receipt)', 'receiving', 'packer'],
  ] as const) {
    app.post(
      path,
      {
        config: { role },
        schema: {
          tags: [tag],
          description: `Body: CSV (content-type text/csv) with the header ${columns}. Bad rows are reported with their line numbers.`,
          querystring: ImportQuery,
        },
      },
      async (request) => run(db, request.actor, request.body as Readable, request.query),
    );
  }
};
