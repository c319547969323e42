import { type FastifyPluginAsyncTypebox, Type } from '@fastify/type-provider-typebox';
import { findSerial, searchSerials } from '../../services/serials.service.ts';
import type { Db } from '../../storage/database.ts';
import { presentUnit } from '../presenters.ts';
import { PageQuery } from '../schemas.ts';

export const serialsRoutes: FastifyPluginAsyncTypebox<{ db: Db }> = async (app, { db }) => {
  app.get(
    '/serials/:serial',
    {
      config: { role: 'viewer' },
      schema: { tags: ['serials'], params: Type.Object({ serial: Type.String({ minLength: 1, maxLength: 200 }) }) },
    },
    async (request) => {
      const found = await findSerial(db, request.actor, request.params.serial);
      return { serial: found.serial, units: found.units.map(presentUnit) };
    },
  );

  app.get(
    '/serials',
    {
      config: { role: 'viewer' },
      schema: {
        tags: ['serials'],
        querystring: Type.Object(
          { prefix: Type.String({ minLength: 1, maxLength: 64 }), ...PageQuery },
          { additionalProperties: false },
        ),
      },
    },
    async (request) => {
      const page = await searchSerials(db, request.actor, { ...request.query, limit: request.query.limit ?? 50 });
      return { items: page.items.map(presentUnit), nextCursor: page.nextCursor };
    },
  );
};
