import { DomainError } from './errors.ts';

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$/;

// Instants JavaScript writes as plain ISO 8601 text and PostgreSQL's timestamptz reads back:
// years 0001 to 9999 (JavaScript has a year 0 and six-digit years; PostgreSQL has neither as such).
const EARLIEST = Date.parse('0001-01-01T00:00:00.000Z');
const LATEST = Date.parse('9999-12-31T23:59:59.999Z');

/** Whether a date lies in years 0001 to 9999 (UTC), the range the database is given. */
export function isStorableDate(date: Date): boolean {
  const time = date.getTime();
  return time >= EARLIEST && time <= LATEST;
}

function outOfRange(field: string): DomainError {
  return new DomainError('VALIDATION_FAILED', `${field}: must be a date from 0001-01-01 to 9999-12-31 (UTC)`, { field });
}

/** The exclusive limit just after an inclusive last instant; at the very end of 9999, that instant. */
function endAfter(last: number): Date {
  return new Date(Math.min(last + 1, LATEST));
}

/**
 * Reads a date-range bound: a day (`2026-11-23`, meaning that whole UTC day) or an ISO 8601
 * timestamp with a zone. `end` bounds are inclusive for a day: it returns the start of the next day
 * as an exclusive limit. Dates outside years 0001 to 9999 are refused, naming the field.
 */
export function parseRangeBound(field: string, value: string, edge: 'start' | 'end'): Date {
  if (DATE_ONLY.test(value)) {
    const date = new Date(`${value}T00:00:00.000Z`);
    if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value) {
      throw new DomainError('VALIDATION_FAILED', `${field}: ${value} is not a calendar date`, { field });
    }
    if (!isStorableDate(date)) throw outOfRange(field);
    return edge === 'end' ? endAfter(date.getTime() + 86_400_000 - 1) : date;
  }
  if (DATE_TIME.test(value)) {
    const date = new Date(value);
    if (!Number.isNaN(date.getTime())) {
      if (!isStorableDate(date)) throw outOfRange(field);
      return edge === 'end' ? endAfter(date.getTime()) : date;
    }
  }
  throw new DomainError('VALIDATION_FAILED', `${field}: expected a date like 2026-11-23 or a timestamp like 2026-11-23T10:00:00Z`, {
    field,
  });
}
