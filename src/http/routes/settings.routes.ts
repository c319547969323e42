import { type FastifyPluginAsyncTypebox, Type } from '@fastify/type-provider-typebox';
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
