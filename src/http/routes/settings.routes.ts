import { type FastifyPluginAsyncTypebox, Type } from '@fastify/type-provider-typebox';
import { duplicateScopes } from '../../core/model.ts';
import { changeSettings, getSettings } from '../../services/tenants.service.ts';
import type { Db } from '../../storage/database.ts';

export const settingsRoutes: FastifyPluginAsyncTypebox<{ db: Db }> = async (app, { db }) => {
  app.get('/settings', { config: { role: 'viewer' }, schema: { tags: ['settings'] } }, async (request) =>
    getSettings(db, request.actor),
  );

  app.patch(
    '/settings',
    {
      config: { role: 'admin' },
      schema: {
        tags: ['settings'],
        body: Type.Object(
          {
            allowDuplicateSerialsInOrder: Type.Optional(
              Type.Boolean({ description: 'Allow the same serial number more than once in one order' }),
            ),
            duplicateScope: Type.Optional(
              Type.Union(
                duplicateScopes.map((scope) => Type.Literal(scope)),
                {
                  description:
                    'How far a serial must be unique among units out (packed or shipped): order (once per order; see allowDuplicateSerialsInOrder), sku (default: one unit per SKU and serial, shipped again only after it came back), tenant (one serial across all SKUs)',
                },
              ),
            ),
            requireReceivedSerials: Type.Optional(
              Type.Boolean({ description: 'Refuse at packing a serial that is not in stock for its SKU (received, generated or restocked)' }),
            ),
            orderNumberFormat: Type.Optional(
              Type.Union([
                Type.String({
                  minLength: 1,
                  maxLength: 200,
                  description:
                    'What your order numbers look like, in the serial-format language (e.g. SO-{######}); a packing station scan that matches it opens that order instead of being taken for a serial (null: only existing order numbers are recognised)',
                }),
                Type.Null(),
              ]),
            ),
            gs1Fnc1Substitute: Type.Optional(
              Type.Union([
                Type.String({
                  minLength: 1,
                  maxLength: 8,
                  pattern: '^[^0-9A-Za-z]+$',
                  description: 'What your scanners send for FNC1 instead of the GS character, e.g. ^ (null: only GS)',
                }),
                Type.Null(),
              ]),
            ),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request) => changeSettings(db, request.actor, request.body),
  );
};
