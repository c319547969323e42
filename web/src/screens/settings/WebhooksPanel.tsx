import { useState } from 'react';
import { listWebhookDeliveries, listWebhooks, redeliverWebhook } from '../../api/endpoints.ts';
import type { WebhookDelivery } from '../../api/types.ts';
import { useApi } from '../../api/use-api.ts';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { formatDateTime } from '../../format.ts';

/**
 * The tenant's webhook endpoints and, for the chosen one, its recent deliveries; a failed delivery
 * can be sent again. Endpoints are registered through the API (docs/webhooks.md): the signing
 * secret is shown once, to whoever registers it.
 */
export function WebhooksPanel() {
  const hooks = useApi((signal) => listWebhooks({ signal }), []);
  const [chosen, setChosen] = useState<string | null>(null);
  const selected = chosen ?? hooks.data?.items[0]?.id ?? null;
  return (
    <section className="card" aria-labelledby="webhooks-title">
      <h2 id="webhooks-title">Webhooks</h2>
      <ErrorMessage error={hooks.error} />
      {hooks.data && hooks.data.items.length === 0 && (
        <p className="hint">No webhook endpoints. Register one with POST /api/v1/webhooks (see the API docs).</p>
      )}
      {hooks.data && hooks.data.items.length > 0 && (
        <div className="table-wrap">
          <table aria-label="Webhook endpoints">
            <thead>
              <tr>
                <th>URL</th>
                <th>Events</th>
                <th>Enabled</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {hooks.data.items.map((hook) => (
                <tr key={hook.id} aria-selected={hook.id === selected}>
                  <td>
                    {hook.url}
                    {hook.description && <div className="hint">{hook.description}</div>}
                  </td>
                  <td>{hook.events.join(', ')}</td>
                  <td>{hook.enabled ? 'yes' : 'no'}</td>
                  <td>
                    <button type="button" onClick={() => setChosen(hook.id)} disabled={hook.id === selected}>
                      Deliveries
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {selected && <Deliveries key={selected} webhookId={selected} />}
    </section>
  );
}

function Deliveries({ webhookId }: { webhookId: string }) {
  const page = useApi((signal) => listWebhookDeliveries(webhookId, { limit: 20 }, { signal }), [webhookId]);
  const [error, setError] = useState<unknown>(null);
  const redeliver = async (delivery: WebhookDelivery) => {
    setError(null);
    try {
      await redeliverWebhook(delivery.id);
      page.reload();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <>
      <h3>Recent deliveries</h3>
      <ErrorMessage error={page.error ?? error} />
      {page.data && page.data.items.length === 0 && <p className="hint">No deliveries yet.</p>}
      {page.data && page.data.items.length > 0 && (
        <div className="table-wrap">
          <table aria-label="Recent deliveries" aria-busy={page.loading}>
            <thead>
              <tr>
                <th>Event</th>
                <th>Status</th>
                <th>Attempts</th>
                <th>Last answer</th>
                <th>Next attempt</th>
                <th>Created</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {page.data.items.map((d) => (
                <tr key={d.id}>
                  <td>{d.eventType}</td>
                  <td>{d.status}</td>
                  <td>{d.attempts}</td>
                  <td title={d.lastError ?? undefined}>{d.lastStatusCode ?? d.lastError ?? '—'}</td>
                  <td>{d.nextAttemptAt ? formatDateTime(d.nextAttemptAt) : '—'}</td>
                  <td>{formatDateTime(d.createdAt)}</td>
                  <td>
                    {d.status === 'failed' && (
                      <button type="button" onClick={() => void redeliver(d)}>
                        Redeliver
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
