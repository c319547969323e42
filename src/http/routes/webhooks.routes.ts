import { type FastifyPluginAsyncTypebox, Type } from '@fastify/type-provider-typebox';
import { deliveryStatuses, webhookEventTypes } from '../../core/webhooks.ts';
import {
  changeWebhook,
  createWebhook,
  findWebhookDeliveries,
  getWebhook,
  getWebhooks,
  redeliverWebhook,
  removeWebhook,
  rotateWebhookSecret,
  type WebhookPolicy,
} from '../../services/webhooks.service.ts';
import type { Db } from '../../storage/database.ts';
import { presentDelivery, presentWebhook } from '../presenters.ts';
import { PageQuery } from '../schemas.ts';

const WebhookParams = Type.Object({ webhookId: Type.String({ format: 'uuid' }) });
const DeliveryParams = Type.Object({ deliveryId: Type.String({ format: 'uuid' }) });
const Url = Type.String({ minLength: 1, maxLength: 2048, description: 'https:// URL that receives the events (POST, JSON, signed)' });
const Events = Type.Array(Type.Union(webhookEventTypes.map((t) => Type.Literal(t))), {
  minItems: 1,
  maxItems: webhookEventTypes.length,
  description: `event types to receive: ${webhookEventTypes.join(', ')}`,
});
const Description = Type.Optional(Type.Union([Type.String({ maxLength: 500 }), Type.Null()]));

export const webhooksRoutes: FastifyPluginAsyncTypebox<{ db: Db; policy: WebhookPolicy }> = async (app, { db, policy }) => {
  app.post(
    '/webhooks',
    {
      config: { role: 'admin' },
      schema: {
        tags: ['webhooks'],
        description: 'Registers an endpoint. The answer carries its signing secret, shown only this once.',
        body: Type.Object({ url: Url, events: Events, description: Description }, { additionalProperties: false }),
      },
    },
    async (request, reply) => {
      const created = await createWebhook(db, request.actor, request.body, policy);
      return reply.status(201).send({ ...presentWebhook(created), secret: created.secret });
    },
  );

  app.get('/webhooks', { config: { role: 'admin' }, schema: { tags: ['webhooks'] } }, async (request) => ({
    items: (await getWebhooks(db, request.actor)).map(presentWebhook),
  }));

  app.get(
    '/webhooks/:webhookId',
    { config: { role: 'admin' }, schema: { tags: ['webhooks'], params: WebhookParams } },
    async (request) => presentWebhook(await getWebhook(db, request.actor, request.params.webhookId)),
  );

  app.patch(
    '/webhooks/:webhookId',
    {
      config: { role: 'admin' },
      schema: {
        tags: ['webhooks'],
        params: WebhookParams,
        body: Type.Object(
          {
            url: Type.Optional(Url),
            events: Type.Optional(Events),
            enabled: Type.Optional(Type.Boolean({ description: 'false stops deliveries; pending ones are marked failed' })),
            description: Description,
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request) => presentWebhook(await changeWebhook(db, request.actor, request.params.webhookId, request.body, policy)),
  );

  app.delete(
    '/webhooks/:webhookId',
    { config: { role: 'admin' }, schema: { tags: ['webhooks'], params: WebhookParams } },
    async (request, reply) => {
      await removeWebhook(db, request.actor, request.params.webhookId);
      return reply.status(204).send();
    },
  );

  app.post(
    '/webhooks/:webhookId/rotate-secret',
    {
      config: { role: 'admin' },
      schema: {
        tags: ['webhooks'],
        description: 'A new signing secret, shown only this once.',
        params: WebhookParams,
        body: Type.Object(
          {
            previousSecretValidSeconds: Type.Optional(
              Type.Integer({
                minimum: 0,
                maximum: 7 * 24 * 3600,
                description: 'keep signing with the old secret too (a second v1= signature) for this long; default 0',
              }),
            ),
          },
          { additionalProperties: false },
        ),
      },
      // The body is optional: no body is the same as {}.
      preValidation: async (request) => {
        request.body ??= {};
      },
    },
    async (request) => {
      const rotated = await rotateWebhookSecret(db, request.actor, request.params.webhookId, request.body);
      return { ...presentWebhook(rotated), secret: rotated.secret };
    },
  );

  app.get(
    '/webhooks/:webhookId/deliveries',
    {
      config: { role: 'admin' },
      schema: {
        tags: ['webhooks'],
        params: WebhookParams,
        querystring: Type.Object(
          { status: Type.Optional(Type.Union(deliveryStatuses.map((s) => Type.Literal(s)))), ...PageQuery },
          { additionalProperties: false },
        ),
      },
    },
    async (request) => {
      const page = await findWebhookDeliveries(db, request.actor, request.params.webhookId, {
        ...request.query,
        limit: request.query.limit ?? 50,
      });
      return { items: page.items.map(presentDelivery), nextCursor: page.nextCursor };
    },
  );

  app.post(
    '/webhooks/deliveries/:deliveryId/redeliver',
    {
      config: { role: 'admin' },
      schema: { tags: ['webhooks'], description: 'Sends the delivery again now (its event, to its endpoint).', params: DeliveryParams },
    },
    async (request, reply) => reply.status(202).send(presentDelivery(await redeliverWebhook(db, request.actor, request.params.deliveryId))),
  );
};
