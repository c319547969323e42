import cookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import Fastify, { type FastifyServerOptions } from 'fastify';
import type pg from 'pg';
import { DomainError } from '../core/errors.ts';
import { type Actor, type Role, roleAllows } from '../core/model.ts';
import { authenticateApiKey } from '../services/tenants.service.ts';
import { authenticateSession, SESSION_COOKIE } from '../services/users.service.ts';
import { defaultWebhookPolicy, type WebhookPolicy } from '../services/webhooks.service.ts';
import type { Db } from '../storage/database.ts';
import { errorHandler, sendError } from './errors.ts';
import { addIdempotency } from './idempotency.ts';
import { auditRoutes } from './routes/audit.routes.ts';
import { refuseUnstorableHeaders, refuseUnstorableInput } from './storable-text.ts';
import { authRoutes } from './routes/auth.routes.ts';
import { epcisRoutes } from './routes/epcis.routes.ts';
import { generationRoutes } from './routes/generation.routes.ts';
import { healthRoutes } from './routes/health.routes.ts';
import { importsRoutes } from './routes/imports.routes.ts';
import { keysRoutes } from './routes/keys.routes.ts';
import { usersRoutes } from './routes/users.routes.ts';
import { ordersRoutes } from './routes/orders.routes.ts';
import { productsRoutes } from './routes/products.routes.ts';
import { receivingRoutes } from './routes/receiving.routes.ts';
import { recallsRoutes } from './routes/recalls.routes.ts';
import { reportsRoutes } from './routes/reports.routes.ts';
import { returnsRoutes } from './routes/returns.routes.ts';
import { scansRoutes } from './routes/scans.routes.ts';
import { serialsRoutes } from './routes/serials.routes.ts';
import { settingsRoutes } from './routes/settings.routes.ts';
import { webhooksRoutes } from './routes/webhooks.routes.ts';

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor;
  }
  interface FastifyContextConfig {
    /** The least role a route needs. Every route of ours names one, or says it is public. */
    role?: Role;
    /** A route anyone may call without a key (health, sign-in): it must say so. */
    public?: boolean;
  }
  interface FastifyInstance {
    /** Every route of ours with the access it needs, recorded as routes register (for tests and docs). */
    routeAccess: RouteAccess[];
  }
}

export type RouteAccess = { method: string; url: string; access: Role | 'public' };

/**
 * Access is denied by default: a route that names neither a role nor `public: true` is a
 * programming error, refused when the app starts rather than served open.
 */
export function routeAccessOf(route: { method: string | string[]; url: string; config?: { role?: Role; public?: boolean } }): Role | 'public' {
  const { role, public: isPublic } = route.config ?? {};
  if (role && isPublic) throw new Error(`route ${String(route.method)} ${route.url}: names a role and public; choose one`);
  if (role) return role;
  if (isPublic) return 'public';
  throw new Error(`route ${String(route.method)} ${route.url}: names no role; add config.role, or config.public for an open route`);
}

export type AppDeps = {
  db: Db;
  pool: pg.Pool;
  logger?: FastifyServerOptions['logger'];
  /** Folder of the built web app (dist/web); when set, it is served at / with an SPA fallback. */
  webRoot?: string;
  /**
   * The reverse proxies whose X-Forwarded-For is believed: addresses or CIDR ranges, comma-separated
   * (fastify's trustProxy). Without it request.ip is the socket's address, which behind a proxy is
   * the proxy's own, so every client would share one address's sign-in limit. Never trust every
   * sender: a client could then pick its own address for each try.
   */
  trustProxy?: string;
  /** Where webhook endpoints may point (default: public https:// only). */
  webhooks?: WebhookPolicy;
};

export const API_PREFIX = '/api/v1';

function hostOf(origin: string): string | null {
  try {
    return new URL(origin).host;
  } catch {
    return null;
  }
}

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
    ...(deps.trustProxy !== undefined ? { trustProxy: deps.trustProxy } : {}),
    // Errors fastify raises before routing (a malformed URL, say) get our error shape too.
    frameworkErrors: (error, _request, reply) =>
      sendError(reply, new DomainError('VALIDATION_FAILED', `path: ${error.message}`)),
  }).withTypeProvider<TypeBoxTypeProvider>();

  const bodyAjv = makeAjv(false);
  const paramAjv = makeAjv(true);
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? bodyAjv : paramAjv).compile(schema));
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0];
    // Paths of the web app (/orders/SO-1, /pack ...) are the app's own routes: answer with its page.
    if (deps.webRoot && request.method === 'GET' && !path.startsWith('/api/') && !path.startsWith('/docs')) {
      return reply.type('text/html').sendFile('index.html');
    }
    return sendError(reply, new DomainError('NOT_FOUND', `path: no route ${request.method} ${path}`));
  });
  app.decorateRequest('actor', null as unknown as Actor);

  // How long the server spent on each request, for clients and benchmarks (Server-Timing header).
  app.addHook('onSend', async (_request, reply) => {
    reply.header('server-timing', `app;dur=${reply.elapsedTime.toFixed(1)}`);
  });

  await app.register(cookie);

  // Text PostgreSQL cannot store (NUL, lone surrogates) is refused as 400 wherever it comes in:
  // headers before authentication reads them, then path, query and body before validation.
  app.addHook('onRequest', refuseUnstorableHeaders);
  app.addHook('preValidation', refuseUnstorableInput);

  // Integrations send an API key; people signed in to the web app carry a session cookie. A
  // cookie-authenticated change must come from our own origin (SameSite=Lax already keeps the
  // cookie off cross-site POSTs; the Origin check is the second lock).
  app.addHook('onRequest', async (request) => {
    const config = request.routeOptions.config;
    if (config?.public) return;
    const needed = config?.role;
    if (!needed) {
      // Only the docs, the web app's files and unknown paths get here: every route of ours names a
      // role or says it is public (refused at start-up otherwise). Deny if one slipped through.
      if (request.routeOptions.url?.startsWith(API_PREFIX)) throw new DomainError('FORBIDDEN', 'authorization: this route is open to no one');
      return;
    }
    const header = request.headers.authorization;
    let actor: Actor | null = null;
    if (header !== undefined) {
      const match = /^Bearer\s+(\S+)$/i.exec(header);
      if (!match) throw new DomainError('UNAUTHENTICATED', 'authorization: send an API key as "Authorization: Bearer <key>"');
      actor = await authenticateApiKey(deps.db, match[1], { address: request.ip });
      if (!actor) throw new DomainError('UNAUTHENTICATED', 'authorization: the API key is unknown or revoked');
    } else {
      const token = request.cookies[SESSION_COOKIE];
      if (!token) {
        throw new DomainError('UNAUTHENTICATED', 'authorization: send an API key as "Authorization: Bearer <key>", or sign in');
      }
      actor = (await authenticateSession(deps.db, token))?.actor ?? null;
      if (!actor) throw new DomainError('UNAUTHENTICATED', 'session: expired or signed out; sign in again');
      const origin = request.headers.origin;
      if (request.method !== 'GET' && request.method !== 'HEAD' && origin !== undefined && hostOf(origin) !== request.headers.host) {
        throw new DomainError('FORBIDDEN', `origin: ${origin} may not change data here`);
      }
    }
    if (!roleAllows(actor.role, needed)) {
      throw new DomainError('FORBIDDEN', `authorization: this needs the ${needed} role; you have ${actor.role}`);
    }
    request.actor = actor;
  });

  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Unitrace API',
        version: '1.0.0',
        description:
          'Serial-number tracking for fulfillment. Authenticate with `Authorization: Bearer <API key>`. Errors are `{ "error": { "code", "message", "details" } }`; see docs/errors.md. Every change (POST, PATCH, DELETE) may carry an `Idempotency-Key` header (1 to 255 printable ASCII characters, a UUID say): a retry with the same key and the same request gets the first answer again, marked `Idempotent-Replayed: true`, instead of running twice; keys are kept per tenant for 24 hours.',
      },
      components: { securitySchemes: { apiKey: { type: 'http', scheme: 'bearer' } } },
      security: [{ apiKey: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  if (deps.webRoot) {
    await app.register(fastifyStatic, { root: deps.webRoot, prefix: '/', wildcard: false, index: 'index.html' });
  }

  // From here on every route must say who may call it; the docs and static files above are open.
  const routeAccess: RouteAccess[] = [];
  app.decorate('routeAccess', routeAccess);
  app.addHook('onRoute', (route) => {
    const access = routeAccessOf(route);
    for (const method of [route.method].flat()) routeAccess.push({ method, url: route.url, access });
  });

  await app.register(healthRoutes, { db: deps.db });
  await app.register(
    async (api) => {
      // Before the routes: it documents its header on each route that changes data.
      addIdempotency(api, { db: deps.db });
      await api.register(authRoutes, { db: deps.db });
      await api.register(productsRoutes, { db: deps.db });
      await api.register(importsRoutes, { db: deps.db });
      await api.register(settingsRoutes, { db: deps.db });
      await api.register(ordersRoutes, { db: deps.db });
      await api.register(serialsRoutes, { db: deps.db });
      await api.register(generationRoutes, { db: deps.db });
      await api.register(reportsRoutes, { db: deps.db, pool: deps.pool });
      await api.register(recallsRoutes, { db: deps.db, pool: deps.pool });
      await api.register(epcisRoutes, { db: deps.db });
      await api.register(receivingRoutes, { db: deps.db });
      await api.register(returnsRoutes, { db: deps.db });
      await api.register(scansRoutes);
      await api.register(webhooksRoutes, { db: deps.db, policy: deps.webhooks ?? defaultWebhookPolicy });
      await api.register(auditRoutes, { db: deps.db });
      await api.register(keysRoutes, { db: deps.db });
      await api.register(usersRoutes, { db: deps.db });
    },
    { prefix: API_PREFIX },
  );
  return app;
}
