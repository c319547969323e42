import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { checkDatabase } from '../../services/health.service.ts';
import type { Db } from '../../storage/database.ts';

export const healthRoutes: FastifyPluginAsyncTypebox<{ db: Db }> = async (app, { db }) => {
  app.get('/health', { config: { public: true }, schema: { hide: true } }, async (_request, reply) => {
    const ok = await checkDatabase(db);
    return reply.status(ok ? 200 : 503).send({ status: ok ? 'ok' : 'database unavailable' });
  });
};
