import { isApiError } from '../../api/client.ts';
import { findSerial, searchSerials } from '../../api/endpoints.ts';
import type { Page, SerialLookup, Unit, UnitEvent } from '../../api/types.ts';
import { useApi } from '../../api/use-api.ts';
import { EmptyState } from '../../components/EmptyState.tsx';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { Pager } from '../../components/Pager.tsx';
import { StatusBadge } from '../../components/StatusBadge.tsx';
import { formatDateTime } from '../../format.ts';
import { Link, navigate, paths, useLocation } from '../../router.ts';
import { useTitle } from '../../use-title.ts';
import { currentCursor, readPages, toSearch, writeCursorStack } from '../../url-state.ts';
import { describeEvent, eventDetails } from './events.ts';

type Found = { kind: 'exact'; lookup: SerialLookup } | { kind: 'prefix'; page: Page<Unit> };

/** A serial's unit page; when no unit has exactly this serial, the units whose serial starts with it. */
export function SerialScreen({ serial }: { serial: string }) {
  useTitle(`Serial ${serial}`);
  const location = useLocation();
  const pages = readPages(location.query);
  const found = useApi<Found>(
    async (signal) => {
      try {
        return { kind: 'exact', lookup: await findSerial(serial, { signal }) };
      } catch (error) {
        if (!isApiError(error) || error.code !== 'SERIAL_NOT_FOUND') throw error;
        const page = await searchSerials({ prefix: serial.trim(), cursor: currentCursor(pages), limit: 50 }, { signal });
        return { kind: 'prefix', page };
      }
    },
    [serial, location.search],
  );
  const data = found.data;

  return (
    <section aria-labelledby="serial-title">
      <h1 id="serial-title">
        Serial <span className="mono">{serial}</span>
      </h1>
      <ErrorMessage error={found.error} />
      {found.loading && !data && <p aria-busy="true">Looking up {serial}…</p>}
      {data?.kind === 'exact' && (
        <>
          {data.lookup.units.length > 1 && (
            <p>
              {data.lookup.units.length} products carry this serial number; each is a unit of its own.
            </p>
          )}
          {data.lookup.units.map((unit) => (
            <UnitCard key={unit.sku} unit={unit} />
          ))}
        </>
      )}
      {data?.kind === 'prefix' &&
        (data.page.items.length === 0 ? (
          <EmptyState title={`No unit has serial number ${serial}, and none starts with it.`}>
            <p>
              Check the characters (serials are case-sensitive), or search with the first few characters only. Serials are
              known once captured at the packing station.
            </p>
          </EmptyState>
        ) : (
          <>
            <p>
              No unit has exactly this serial number. Units whose serial starts with <span className="mono">{serial}</span>:
            </p>
            <div className="table-wrap">
              <table>
                <caption className="visually-hidden">Serials starting with {serial}</caption>
                <thead>
                  <tr>
                    <th scope="col">Serial</th>
                    <th scope="col">SKU</th>
                    <th scope="col">Product</th>
                    <th scope="col">Status</th>
                    <th scope="col">Order</th>
                    <th scope="col">Shipped</th>
                  </tr>
                </thead>
                <tbody>
                  {data.page.items.map((u) => (
                    <tr key={`${u.sku}/${u.serial}`}>
                      <td className="mono">
                        <Link to={paths.serial(u.serial)}>{u.serial}</Link>
                      </td>
                      <td className="mono">{u.sku}</td>
                      <td>{u.productName}</td>
                      <td>
                        <StatusBadge status={u.status} />
                        {u.hold && u.hold !== 'none' && <> <StatusBadge status={u.hold} /></>}
                      </td>
                      <td className="mono">{u.orderNumber ? <Link to={paths.order(u.orderNumber)}>{u.orderNumber}</Link> : '—'}</td>
                      <td>{formatDateTime(u.shippedAt)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <Pager
              label="Pages of matching serials"
              pages={pages}
              nextCursor={data.page.nextCursor}
              onMove={(next) => navigate(paths.serial(serial) + toSearch({ cursor: writeCursorStack(next) }))}
            />
          </>
        ))}
    </section>
  );
}

function UnitCard({ unit }: { unit: Unit }) {
  const headingId = `unit-${unit.sku}`;
  return (
    <article className="card unit" aria-labelledby={headingId}>
      <h2 id={headingId}>
        <span className="mono">{unit.sku}</span> {unit.productName}
      </h2>
      <dl className="facts">
        <div>
          <dt>Status</dt>
          <dd>
            <StatusBadge status={unit.status} />
            {unit.disposition && <span className="hint"> ({unit.disposition})</span>}
          </dd>
        </div>
        {unit.hold !== 'none' && (
          <div>
            <dt>Hold</dt>
            <dd>
              <StatusBadge status={unit.hold} />
            </dd>
          </div>
        )}
        <div>
          <dt>Order</dt>
          <dd className="mono">
            {unit.orderNumber ? <Link to={paths.order(unit.orderNumber)}>{unit.orderNumber}</Link> : '—'}
            {unit.orderType ? ` (${unit.orderType})` : ''}
          </dd>
        </div>
        <div>
          <dt>Customer</dt>
          <dd>
            {unit.customer ? (
              <>
                {unit.customer.name}
                {unit.customer.company && <div>{unit.customer.company}</div>}
                {unit.customer.email && <div>{unit.customer.email}</div>}
                {unit.customer.externalId && <div className="hint">customer id {unit.customer.externalId}</div>}
              </>
            ) : (
              '—'
            )}
          </dd>
        </div>
        <div>
          <dt>Shipped</dt>
          <dd>{formatDateTime(unit.shippedAt)}</dd>
        </div>
        {unit.lot && (
          <div>
            <dt>Lot</dt>
            <dd className="mono">{unit.lot}</dd>
          </div>
        )}
        {unit.expiry && (
          <div>
            <dt>Expiry</dt>
            <dd>{unit.expiry}</dd>
          </div>
        )}
      </dl>
      <h3>History</h3>
      {unit.events.length === 0 ? (
        <p className="hint">No events recorded.</p>
      ) : (
        <ol className="timeline" aria-label={`History of ${unit.serial} (${unit.sku}), oldest first`}>
          {unit.events.map((event) => (
            <TimelineEvent key={String(event.id)} event={event} />
          ))}
        </ol>
      )}
    </article>
  );
}

function TimelineEvent({ event }: { event: UnitEvent }) {
  const details = eventDetails(event);
  return (
    <li className={`timeline-event event-${event.type}`}>
      <div className="timeline-head">
        <strong>{describeEvent(event.type)}</strong>{' '}
        <time dateTime={event.at ?? undefined}>{formatDateTime(event.at)}</time>
      </div>
      <div className="timeline-body">
        {event.orderNumber && (
          <>
            order <Link to={paths.order(event.orderNumber)}>{event.orderNumber}</Link>
          </>
        )}
        {event.station && <> · station {event.station}</>}
        {event.actor && <> · by {event.actor}</>}
        {details.length > 0 && (
          <ul className="event-details">
            {details.map(([key, value]) => (
              <li key={key}>
                {key}: {value}
              </li>
            ))}
          </ul>
        )}
      </div>
    </li>
  );
}
