/**
 * The one way the web app talks to the server: same origin, JSON, the session cookie. A failed
 * request becomes an ApiError carrying the API's own code and message, so screens show what the
 * server said rather than a generic failure.
 */

export type ErrorDetails = Record<string, unknown>;

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: ErrorDetails | undefined;

  constructor(status: number, code: string, message: string, details?: ErrorDetails) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError;
}

export type QueryValue = string | number | boolean | null | undefined;

/** `?a=1&b=x` from the values that are set; empty strings, null and undefined are left out. */
export function queryString(query: Record<string, QueryValue> | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

export const API_BASE = '/api/v1';

/** Reads an error answer: the API's `{error: {code, message, details}}`, or a description of what came back. */
export function errorFromBody(status: number, statusText: string, body: unknown): ApiError {
  const error = (body as { error?: { code?: unknown; message?: unknown; details?: unknown } } | null)?.error;
  if (error && typeof error.code === 'string' && typeof error.message === 'string') {
    const details = error.details && typeof error.details === 'object' ? (error.details as ErrorDetails) : undefined;
    return new ApiError(status, error.code, error.message, details);
  }
  return new ApiError(status, `HTTP_${status}`, `the server answered ${status}${statusText ? ` ${statusText}` : ''} without an explanation`);
}

let onUnauthenticated: (() => void) | null = null;

/** Called when any request (other than the session check itself) answers 401: the session ended. */
export function setUnauthenticatedHandler(handler: (() => void) | null): void {
  onUnauthenticated = handler;
}

export type RequestOptions = {
  query?: Record<string, QueryValue>;
  /** A JSON body (serialized here) ... */
  json?: unknown;
  /** ... or a raw body with its content type (CSV uploads). */
  body?: BodyInit;
  contentType?: string;
  signal?: AbortSignal;
  /** Do not call the 401 handler (the session check at start-up). */
  quietUnauthenticated?: boolean;
};

/** Sends a request; a failed answer (or no answer) is thrown as an ApiError. */
async function send(method: string, path: string, options: RequestOptions, accept: string): Promise<Response> {
  const headers: Record<string, string> = { accept };
  let body: BodyInit | undefined;
  if (options.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.json);
  } else if (options.body !== undefined) {
    body = options.body;
    if (options.contentType) headers['content-type'] = options.contentType;
  }
  let response: Response;
  try {
    response = await fetch(`${API_BASE}${path}${queryString(options.query)}`, {
      method,
      headers,
      body,
      credentials: 'same-origin',
      signal: options.signal,
    });
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    throw new ApiError(0, 'NETWORK', `cannot reach the server (${(error as Error).message}); check the connection and try again`);
  }
  if (!response.ok) {
    const error = errorFromBody(response.status, response.statusText, parseJson(await response.text()));
    if (response.status === 401 && !options.quietUnauthenticated) onUnauthenticated?.();
    throw error;
  }
  return response;
}

function parseJson(text: string): unknown {
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

export async function apiRequest<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const response = await send(method, path, options, 'application/json');
  if (response.status === 204) return undefined as T;
  return parseJson(await response.text()) as T;
}

/** A request whose answer is a file (an SVG label sheet): the body as a Blob of its content type. */
export async function apiBlob(method: string, path: string, options: RequestOptions & { accept: string }): Promise<Blob> {
  const response = await send(method, path, options, options.accept);
  return response.blob();
}

/** A path segment with every reserved character escaped (order numbers, SKUs, serials). */
export const seg = (value: string) => encodeURIComponent(value);
