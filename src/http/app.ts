import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type pg from 'pg';
import { DomainError } from '../core/errors.ts';
import { type Actor, type Role, roleAllows } from '../core/model.ts';
import { authenticateApiKey } from '../services/tenants.service.ts';
import type { Db } from '../storage/database.ts';
import { errorHandler, sendError } from './errors.ts';
import { healthRoutes } from './routes/health.routes.ts';
import { ordersRoutes } from './routes/orders.routes.ts';
import { productsRoutes } from './routes/products.routes.ts';
import { reportsRoutes } from './routes/reports.routes.ts';
import { serialsRoutes } from './routes/serials.routes.ts';
import { settingsRoutes } from './routes/settings.routes.ts';

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor;
  }
  interface FastifyContextConfig {
    /** The least role a route needs; routes without it need no key (health, docs). */
    role?: Role;
  }
}

export type AppDeps = {
  db: Db;
  pool: pg.Pool;
  logger?: FastifyServerOptions['logger'];
};


export const API_PREFIX = '/api/v1';

function makeAjv(coerce: boolean) {
  // Unknown fields are refused, not silently dropped; only query strings and path parameters are
  // coerced from text (bodies must carry the right JSON types).
  const ajv = new Ajv({
    allErrors: true,
    removeAdditional: false,
    useDefaults: true,
    coerceTypes: coerce ? 'array' : false,
    strict: false,
  });
  addFormats.default(ajv);
  return ajv;
}

/** Builds the HTTP app with every route registered; it never listens (main/serve does). */
export async function buildApp(deps: AppDeps) {
  const app = Fastify({
    logger: deps.logger ?? false,
    bodyLimit: 16 * 1024 * 1024,
    genReqId: () => crypto.randomUUID(),
    requestIdHeader: false,
  }).withTypeProvider<TypeBoxTypeProvider>();

  const bodyAjv = makeAjv(false);
  const paramAjv = makeAjv(true);
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? bodyAjv : paramAjv).compile(schema));
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler((request, reply) =>
    sendError(reply, new DomainError('NOT_FOUND', `path: no route ${request.method} ${request.url.split('?')[0]}`)),
  );
  app.decorateRequest('actor', null as unknown as Actor);

  app.addHook('onRequest', async (request) => {
    const needed = request.routeOptions.config?.role;
    if (!needed) return;
    const header = request.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) {
      throw new DomainError('UNAUTHENTICATED', 'authorization: send an API key as "Authorization: Bearer <key>"');
    }
    const actor = await authenticateApiKey(deps.db, match[1]);
    if (!actor) throw new DomainError('UNAUTHENTICATED', 'authorization: the API key is unknown or revoked');
    if (!roleAllows(actor.role, needed)) {
      throw new DomainError('FORBIDDEN', `authorization: this needs the ${needed} role; the key has ${actor.role}`);
    }
    request.actor = actor;
  });

  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Unitrace API',
        version: '1.0.0',
        description:
          'Serial-number tracking for fulfillment. Authenticate with `Authorization: Bearer <API key>`. Errors are `{ "error": { "code", "message", "details" } }`; see docs/errors.md.',
      },
      components: { securitySchemes: { apiKey: { type: 'http', scheme: 'bearer' } } },
      security: [{ apiKey: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  await app.register(healthRoutes, { db: deps.db });
  await app.register(
    async (api) => {
      await api.register(productsRoutes, { db: deps.db });
      await api.register(settingsRoutes, { db: deps.db });
      await api.register(ordersRoutes, { db: deps.db });
      await api.register(serialsRoutes, { db: deps.db });
      await api.register(reportsRoutes, { db: deps.db, pool: deps.pool });
    },
    { prefix: API_PREFIX },
  );
  return app;
}
