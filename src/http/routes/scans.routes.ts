import { type FastifyPluginAsyncTypebox, Type } from '@fastify/type-provider-typebox';
import { parseGs1Scan } from '../../services/scans.service.ts';

export const scansRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/scans/parse',
    {
      config: { role: 'viewer' },
      schema: {
        tags: ['scans'],
        description:
          'Parses a GS1 element string (with or without symbology identifier; FNC1 as the GS character or fnc1Substitute), a human-readable string with parentheses, or a GS1 Digital Link URI. 422 SCAN_INVALID names the rule and position.',
        body: Type.Object(
          {
            data: Type.String({ minLength: 1, maxLength: 8000 }),
            fnc1Substitute: Type.Optional(Type.String({ minLength: 1, maxLength: 8 })),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request) => {
      const parsed = parseGs1Scan(request.body.data, { fnc1Substitute: request.body.fnc1Substitute });
      return {
        elements: parsed.elements,
        gtin: parsed.gtin ?? null,
        serial: parsed.serial ?? null,
        lot: parsed.lot ?? null,
        expiry: parsed.expiry ?? null,
        digitalLink: parsed.digitalLink || null,
        source: parsed.source,
      };
    },
  );
};
