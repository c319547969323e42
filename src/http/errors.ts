import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, type ErrorCode, isDomainError } from '../core/errors.ts';
import { statusForCode } from './error-status.ts';

type AjvError = { instancePath: string; keyword: string; message?: string; params: Record<string, unknown> };

/** '/lines/0/quantity' -> 'lines[0].quantity' */
function fieldName(context: string | undefined, path: string, extra?: string): string {
  const parts = path.split('/').filter(Boolean);
  if (extra) parts.push(extra);
  let name = '';
  for (const part of parts) name += /^\d+$/.test(part) ? `[${part}]` : name ? `.${part}` : part;
  return name || context || 'body';
}

function describe(error: AjvError): string {
  switch (error.keyword) {
    case 'required':
      return 'required';
    case 'additionalProperties':
      return 'unknown field';
    case 'type':
      return `must be ${String(error.params.type)}`;
    case 'enum':
      return `must be one of ${(error.params.allowedValues as unknown[]).join(', ')}`;
    case 'maxLength':
      return `must be at most ${String(error.params.limit)} characters`;
    case 'minLength':
      return error.params.limit === 1 ? 'must not be empty' : `must be at least ${String(error.params.limit)} characters`;
    default:
      return error.message ?? 'is not valid';
  }
}

/** A fastify schema-validation error as VALIDATION_FAILED naming every field that failed. */
export function validationError(error: FastifyError): DomainError {
  const context = (error as { validationContext?: string }).validationContext;
  const list = ((error.validation ?? []) as AjvError[]).map((e) => {
    const extra = (e.params.missingProperty ?? e.params.additionalProperty) as string | undefined;
    const field = fieldName(context, e.instancePath, extra);
    return { field, message: `${field}: ${describe(e)}` };
  });
  const unique = [...new Map(list.map((e) => [e.message, e])).values()];
  return new DomainError('VALIDATION_FAILED', unique.map((e) => e.message).join('; ') || 'request is not valid', {
    errors: unique,
  });
}

function fromFastify(error: FastifyError): DomainError | null {
  if (error.validation) return validationError(error);
  const code: string | undefined = error.code;
  const map: Record<string, [ErrorCode, string]> = {
    FST_ERR_CTP_INVALID_JSON_BODY: ['VALIDATION_FAILED', 'body: is not valid JSON'],
    FST_ERR_CTP_EMPTY_JSON_BODY: ['VALIDATION_FAILED', 'body: is empty; send a JSON object'],
    FST_ERR_CTP_BODY_TOO_LARGE: ['PAYLOAD_TOO_LARGE', 'body: is too large'],
    FST_ERR_CTP_INVALID_MEDIA_TYPE: ['UNSUPPORTED_MEDIA_TYPE', 'content-type: send application/json'],
    FST_ERR_CTP_INVALID_CONTENT_LENGTH: ['VALIDATION_FAILED', 'content-length: does not match the body'],
  };
  if (code && map[code]) return new DomainError(map[code][0], map[code][1]);
  if (error instanceof SyntaxError || (error.statusCode === 400 && /JSON/i.test(error.message))) {
    return new DomainError('VALIDATION_FAILED', 'body: is not valid JSON');
  }
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
    return new DomainError('VALIDATION_FAILED', error.message);
  }
  return null;
}

export function sendError(reply: FastifyReply, error: DomainError): FastifyReply {
  if (error.code === 'DATABASE_UNAVAILABLE') reply.header('retry-after', '1');
  // A limit says when it ends (TOO_MANY_ATTEMPTS): in whole seconds, as HTTP's Retry-After.
  const retryAfter = error.details?.retryAfterSeconds;
  if (typeof retryAfter === 'number') reply.header('retry-after', String(retryAfter));
  return reply.status(statusForCode(error.code)).send({
    error: { code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) },
  });
}

/**
 * PostgreSQL's data exceptions (class 22: a NUL character in text, a number out of range) can
 * only come from values a client sent that slipped past the schemas: a 400, not a 500.
 */
function fromPostgres(error: unknown): DomainError | null {
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && /^22[0-9A-Z]{3}$/.test(code)) {
    return new DomainError('VALIDATION_FAILED', 'request: a value is malformed or out of range (text must not contain NUL characters)');
  }
  return null;
}

// How a lost database shows itself through pg: a refused or reset socket, a connection the server
// ended (class 08, or 57P01-57P03: shut down, crashed, still starting), too many connections, or
// pg's own messages for a client whose connection is gone or could not be made in time.
const unavailableSocketCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
const unavailableSqlStates = /^(08[0-9A-Z]{3}|57P0[123]|53300)$/;
const unavailableMessages = /Connection terminated|not queryable|timeout exceeded when trying to connect|Client was closed/;

/** The database cannot be reached: a 503 the client may retry, never a 500. */
function fromDatabaseLoss(error: unknown): DomainError | null {
  const e = error as { code?: unknown; message?: unknown; errors?: unknown } | null;
  if (!e || typeof e !== 'object') return null;
  const code = typeof e.code === 'string' ? e.code : '';
  const message = typeof e.message === 'string' ? e.message : '';
  // Node reports a refused connection to every address of a host name as one AggregateError.
  const inner = Array.isArray(e.errors) && e.errors.some((x) => fromDatabaseLoss(x) !== null);
  if (unavailableSocketCodes.has(code) || unavailableSqlStates.test(code) || unavailableMessages.test(message) || inner) {
    return new DomainError('DATABASE_UNAVAILABLE', 'database: unavailable for the moment; retry shortly');
  }
  return null;
}

let quietUntil = 0;

/** Domain errors keep their code; anything unknown is logged with the request id and hidden. */
export function errorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const domain = isDomainError(error) ? error : (fromDatabaseLoss(error) ?? fromPostgres(error) ?? fromFastify(error));
  if (domain?.code === 'DATABASE_UNAVAILABLE' && Date.now() > quietUntil) {
    // One line per 10 s: during an outage every request would say the same.
    quietUntil = Date.now() + 10_000;
    request.log.warn({ err: error, reqId: request.id }, 'database unavailable: answering 503 until it is back');
  }
  if (domain) return sendError(reply, domain);
  request.log.error({ err: error, reqId: request.id }, 'unhandled error');
  return reply.status(500).send({
    error: { code: 'INTERNAL', message: `internal error; quote request id ${request.id} when reporting it` },
  });
}
