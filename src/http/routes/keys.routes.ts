import { type FastifyPluginAsyncTypebox, Type } from '@fastify/type-provider-typebox';
import { roles } from '../../core/model.ts';
import { createApiKey, getApiKeys, revokeApiKey } from '../../services/tenants.service.ts';
import type { Db } from '../../storage/database.ts';
import { presentApiKey } from '../presenters.ts';

export const keysRoutes: FastifyPluginAsyncTypebox<{ db: Db }> = async (app, { db }) => {
  app.get('/keys', { config: { role: 'admin' }, schema: { tags: ['keys'], description: "The tenant's API keys, newest first; never the keys themselves." } }, async (request) => ({
    items: (await getApiKeys(db, request.actor)).map(presentApiKey),
  }));

  app.post(
    '/keys',
    {
      config: { role: 'admin' },
      schema: {
        tags: ['keys'],
        description: 'A new API key. `apiKey` is in this answer only: keep it; only its hash is stored.',
        body: Type.Object(
          {
            role: Type.Union(roles.map((r) => Type.Literal(r))),
            label: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 200, description: 'what the key is for; how it is named in histories' }), Type.Null()])),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      const { apiKey, key } = await createApiKey(db, { tenantId: request.actor.tenantId, ...request.body, by: request.actor.id });
      return reply.status(201).send({ ...presentApiKey(key), apiKey });
    },
  );

  app.delete(
    '/keys/:id',
    {
      config: { role: 'admin' },
      schema: {
        tags: ['keys'],
        description: 'Revokes an API key: it stops working at once. Revoking a revoked key changes nothing.',
        params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) }),
      },
    },
    async (request) => presentApiKey(await revokeApiKey(db, request.actor, request.params.id)),
  );
};
