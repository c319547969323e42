import type { FastifyRequest } from 'fastify';
import { DomainError } from '../core/errors.ts';
import { type FieldProblem, findUnstorableText, unstorableText } from '../core/validate.ts';

/**
 * Request headers the app reads (an Idempotency-Key is stored, the others are looked up). Node's
 * HTTP parser already refuses NUL in a header, but app.inject and whatever sits in front of us
 * need not; a header added to the app's reading belongs in this list.
 */
const HEADERS_READ = ['authorization', 'cookie', 'origin', 'idempotency-key'];

function refuse(problems: FieldProblem[]): void {
  if (problems.length === 0) return;
  throw new DomainError('VALIDATION_FAILED', problems.map((p) => p.message).join('; '), { errors: problems });
}

/**
 * onRequest: refuses headers we read that hold text PostgreSQL cannot store (NUL, a lone
 * surrogate), before authentication looks at them.
 */
export async function refuseUnstorableHeaders(request: FastifyRequest): Promise<void> {
  const problems: FieldProblem[] = [];
  for (const name of HEADERS_READ) {
    const value = request.headers[name];
    const reason = value === undefined ? null : unstorableText(Array.isArray(value) ? value.join(', ') : value);
    if (reason) problems.push({ field: name, message: `${name}: ${reason}` });
  }
  refuse(problems);
}

/**
 * preValidation: refuses path parameters, query strings and JSON bodies holding text PostgreSQL
 * cannot store, as 400 VALIDATION_FAILED naming each field (`lines[0].sku`), on every route and
 * before any handler runs, whatever the route's schema says (or whether it has one). CSV bodies
 * are streams and are checked row by row by the import (a NUL is a control character there).
 */
export async function refuseUnstorableInput(request: FastifyRequest): Promise<void> {
  refuse([
    ...findUnstorableText(request.params, 'path'),
    ...findUnstorableText(request.query, 'query'),
    ...findUnstorableText(request.body, 'body'),
  ]);
}
