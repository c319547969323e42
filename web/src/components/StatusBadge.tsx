import { humanize } from '../format.ts';

/** An order or unit status as a small labelled badge. */
export function StatusBadge({ status }: { status: string }) {
  return <span className={`badge badge-${status}`}>{humanize(status)}</span>;
}
