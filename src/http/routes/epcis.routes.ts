import { type FastifyPluginAsyncTypebox, Type } from '@fastify/type-provider-typebox';
import { captureEpcisDocument, exportEpcisDocument } from '../../services/epcis.service.ts';
import type { Db } from '../../storage/database.ts';
import { streamStarted } from '../stream-reply.ts';

const ExportQuery = Type.Object(
  {
    from: Type.Optional(Type.String({ maxLength: 40, description: 'first UTC day (2026-11-01) or ISO timestamp' })),
    to: Type.Optional(Type.String({ maxLength: 40, description: 'last UTC day, inclusive, or ISO timestamp' })),
    sku: Type.Optional(Type.String({ maxLength: 64 })),
    serial: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);

/** What a supplier sends: two units announced by SGTIN URN and by GS1 Digital Link. */
const CAPTURE_EXAMPLE = {
  '@context': ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld'],
  type: 'EPCISDocument',
  schemaVersion: '2.0',
  creationDate: '2026-11-23T10:00:00Z',
  epcisBody: {
    eventList: [
      {
        type: 'ObjectEvent',
        action: 'OBSERVE',
        bizStep: 'shipping',
        disposition: 'in_transit',
        eventTime: '2026-11-20T08:00:00.000+01:00',
        eventTimeZoneOffset: '+01:00',
        epcList: ['urn:epc:id:sgtin:9506000.013435.SN-1001', 'https://id.gs1.org/01/09506000134352/21/SN-1002'],
      },
    ],
  },
};

export const epcisRoutes: FastifyPluginAsyncTypebox<{ db: Db }> = async (app, { db }) => {
  // EPCIS 2.0 documents are JSON-LD; read them like JSON (this parser is for these routes only).
  app.addContentTypeParser('application/ld+json', { parseAs: 'string' }, app.getDefaultJsonParser('error', 'error'));

  app.get(
    '/epcis/events',
    {
      config: { role: 'viewer' },
      schema: {
        tags: ['epcis'],
        description:
          'The history of serialized units as one EPCIS 2.0 JSON-LD EPCISDocument of ObjectEvents (application/ld+json), streamed. See docs/epcis.md for the mapping.',
        querystring: ExportQuery,
      },
    },
    async (request, reply) => {
      const body = exportEpcisDocument(db, request.actor, request.query);
      reply.raw.on('close', () => body.destroy());
      await streamStarted(request, body);
      reply.type('application/ld+json; charset=utf-8');
      return reply.send(body);
    },
  );

  app.post(
    '/epcis/capture',
    {
      config: { role: 'admin' },
      schema: {
        tags: ['epcis'],
        description:
          'Body: an EPCIS 2.0 JSON document (application/json or application/ld+json) of ObjectEvents. Each EPC that is an SGTIN URN or a GS1 Digital Link with (01) and (21) of one of your products is registered in stock when new and gets a "received" event; the rest are listed in `unmapped` with the reason.',
        body: Type.Unknown({ description: 'EPCIS 2.0 JSON document', examples: [CAPTURE_EXAMPLE] }),
      },
    },
    async (request) => captureEpcisDocument(db, request.actor, request.body),
  );
};
