import { type FastifyPluginAsyncTypebox, Type } from '@fastify/type-provider-typebox';
import { DomainError } from '../../core/errors.ts';
import { authenticateSession, changeOwnPassword, SESSION_COOKIE, signIn, signOut } from '../../services/users.service.ts';
import type { Db } from '../../storage/database.ts';

export const authRoutes: FastifyPluginAsyncTypebox<{ db: Db }> = async (app, { db }) => {
  app.post(
    '/auth/sign-in',
    {
      config: { public: true },
      schema: {
        tags: ['auth'],
        security: [],
        body: Type.Object(
          {
            email: Type.String({ minLength: 1, maxLength: 254 }),
            password: Type.String({ minLength: 1, maxLength: 200 }),
            tenantId: Type.Optional(Type.String({ format: 'uuid' })),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      const session = await signIn(db, request.body, { address: request.ip });
      reply.setCookie(SESSION_COOKIE, session.token, {
        path: '/',
        httpOnly: true,
        sameSite: 'lax',
        secure: request.protocol === 'https',
        expires: session.expiresAt,
      });
      return { user: session.user };
    },
  );

  app.get('/auth/me', { config: { public: true }, schema: { tags: ['auth'], security: [] } }, async (request) => {
    const token = request.cookies[SESSION_COOKIE];
    const found = token ? await authenticateSession(db, token) : null;
    if (!found) throw new DomainError('UNAUTHENTICATED', 'session: not signed in');
    return { user: found.user };
  });

  app.post(
    '/auth/password',
    {
      config: { role: 'viewer' },
      schema: {
        tags: ['auth'],
        description:
          "The signed-in person's new password (web app sessions only; API keys have none). Wrong current passwords count as failed sign-ins. Every other session of the person ends.",
        body: Type.Object(
          { currentPassword: Type.String({ minLength: 1, maxLength: 200 }), newPassword: Type.String({ minLength: 1, maxLength: 1024 }) },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      await changeOwnPassword(db, request.actor, request.cookies[SESSION_COOKIE], request.body, { address: request.ip });
      return reply.status(204).send();
    },
  );

  app.post('/auth/sign-out', { config: { public: true }, schema: { tags: ['auth'], security: [] } }, async (request, reply) => {
    const token = request.cookies[SESSION_COOKIE];
    if (token) await signOut(db, token);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.status(204).send();
  });
};
