import { Readable } from 'node:stream';
import { type FastifyPluginAsyncTypebox, Type } from '@fastify/type-provider-typebox';
import { DomainError } from '../../core/errors.ts';
import { importOrdersCsv, importProductsCsv, importReceiptsCsv } from '../../services/imports.service.ts';
import type { Db } from '../../storage/database.ts';

const ImportQuery = Type.Object(
  {
    dryRun: Type.Optional(Type.Boolean({ description: 'check the file and report, import nothing (a preview)' })),
    skipBadRows: Type.Optional(Type.Boolean({ description: 'import the good rows; without it one bad row imports nothing' })),
  },
  { additionalProperties: false },
);

const CSV_TYPES = ['text/csv', 'application/csv'];

function sendCsv(contentType: string | undefined): DomainError {
  return new DomainError(
    'UNSUPPORTED_MEDIA_TYPE',
    `content-type: send the file as text/csv${contentType ? `, not ${contentType}` : ''}`,
  );
}

export const importsRoutes: FastifyPluginAsyncTypebox<{ db: Db }> = async (app, { db }) => {
  // These routes take CSV and nothing else (this plugin's parsers only): CSV bodies are read as a
  // stream by the import, row by row; JSON, plain text and the rest are refused before the handler.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(CSV_TYPES, (_request, payload, done) => done(null, payload));
  app.addContentTypeParser('*', (request, _payload, done) => done(sendCsv(request.headers['content-type'])));

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
      async (request) => {
        // A request without a body has no content type to parse: nothing was sent.
        if (!(request.body instanceof Readable)) throw sendCsv(request.headers['content-type']);
        return run(db, request.actor, request.body, request.query);
      },
    );
  }
};
