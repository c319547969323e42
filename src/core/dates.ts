import { DomainError } from './errors.ts';

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Reads a date-range bound: a day (`2026-11-23`, meaning that whole UTC day) or an ISO 8601
 * timestamp with a zone. `end` bounds are inclusive for a day: it returns the start of the next day
 * as an exclusive limit.
 */
export function parseRangeBound(field: string, value: string, edge: 'start' | 'end'): Date {
  if (DATE_ONLY.test(value)) {
    const date = new Date(`${value}T00:00:00.000Z`);
    if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value) {
      throw new DomainError('VALIDATION_FAILED', `${field}: ${value} is not a calendar date`, { field });
    }
    if (edge === 'end') date.setUTCDate(date.getUTCDate() + 1);
    return date;
  }
  if (DATE_TIME.test(value)) {
    const date = new Date(value);
    if (!Number.isNaN(date.getTime())) return edge === 'end' ? new Date(date.getTime() + 1) : date;
  }
  throw new DomainError('VALIDATION_FAILED', `${field}: expected a date like 2026-11-23 or a timestamp like 2026-11-23T10:00:00Z`, {
    field,
  });
}
