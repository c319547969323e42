import { type FastifyPluginAsyncTypebox, Type } from '@fastify/type-provider-typebox';
import { listAudit } from '../../services/audit.service.ts';
import type { Db } from '../../storage/database.ts';
import { presentAuditEntry } from '../presenters.ts';
import { PageQuery } from '../schemas.ts';

export const auditRoutes: FastifyPluginAsyncTypebox<{ db: Db }> = async (app, { db }) => {
  app.get(
    '/audit',
    {
      config: { role: 'admin' },
      schema: {
        tags: ['audit'],
        description:
          'Who changed what, newest first: products, settings, orders, API keys and users. Each entry has the action (product.updated ...), its subject, the changed fields before and after, and who did it by name (email, API key label, "command line").',
        querystring: Type.Object(
          {
            subject: Type.Optional(
              Type.String({ maxLength: 260, description: 'a subject type (product, settings, order, api_key, user) or type:id (product:CAM-100, order:SO-1, user:lena@example.com)' }),
            ),
            action: Type.Optional(Type.String({ maxLength: 100, description: 'an action (product.updated), or every action of a type (product)' })),
            actor: Type.Optional(Type.String({ maxLength: 260, description: "a user's email, cli, or key:<API key id>" })),
            from: Type.Optional(Type.String({ maxLength: 40, description: 'first UTC day (2026-11-01) or ISO timestamp' })),
            to: Type.Optional(Type.String({ maxLength: 40, description: 'last UTC day, inclusive, or ISO timestamp' })),
            ...PageQuery,
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request) => {
      const page = await listAudit(db, request.actor, { ...request.query, limit: request.query.limit ?? 50 });
      return { items: page.items.map(presentAuditEntry), nextCursor: page.nextCursor };
    },
  );
};
