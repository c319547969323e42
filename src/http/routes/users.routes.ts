import { type FastifyPluginAsyncTypebox, Type } from '@fastify/type-provider-typebox';
import { roles } from '../../core/model.ts';
import { changeUserRole, createUser, disableUser, listUsers } from '../../services/users.service.ts';
import type { Db } from '../../storage/database.ts';
import { presentUser } from '../presenters.ts';

/** The people who sign in to the web app: admins list and add them, change their role and disable them. */
export const usersRoutes: FastifyPluginAsyncTypebox<{ db: Db }> = async (app, { db }) => {
  app.get('/users', { config: { role: 'admin' }, schema: { tags: ['users'], description: "The tenant's users by email, disabled ones too; never their passwords." } }, async (request) => ({
    items: (await listUsers(db, request.actor)).map(presentUser),
  }));

  app.post(
    '/users',
    {
      config: { role: 'admin' },
      schema: {
        tags: ['users'],
        description:
          'A new user of the tenant, who signs in with this email and password. The password follows the sign-in rules (10 to 200 characters, not a common password); give it to the person and let them keep it to themselves.',
        body: Type.Object(
          {
            email: Type.String({ minLength: 3, maxLength: 254 }),
            role: Type.Union(roles.map((r) => Type.Literal(r))),
            password: Type.String({ minLength: 1, maxLength: 1024 }),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      const user = await createUser(db, { tenantId: request.actor.tenantId, ...request.body, by: request.actor.id });
      return reply.status(201).send(user);
    },
  );

  app.patch(
    '/users/:email',
    {
      config: { role: 'admin' },
      schema: {
        tags: ['users'],
        description: "Gives a user another role. Their sessions end: they sign in again with it. Nobody changes their own role.",
        params: Type.Object({ email: Type.String({ minLength: 1, maxLength: 254 }) }),
        body: Type.Object({ role: Type.Union(roles.map((r) => Type.Literal(r))) }, { additionalProperties: false }),
      },
    },
    async (request) => changeUserRole(db, request.actor, request.params.email, request.body.role),
  );

  app.post(
    '/users/:email/disable',
    {
      config: { role: 'admin' },
      schema: {
        tags: ['users'],
        description: 'Disables a user: they can no longer sign in and their sessions end at once. Twice is harmless; nobody can disable themself.',
        params: Type.Object({ email: Type.String({ minLength: 1, maxLength: 254 }) }),
      },
    },
    async (request) => {
      const user = await disableUser(db, request.actor, request.params.email);
      return { id: user.id, email: user.email, disabledAt: user.disabledAt.toISOString() };
    },
  );
};
