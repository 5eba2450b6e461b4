/**
 * The one HTTP client of the designer. Same-origin requests carry the httpOnly session
 * cookie, so no token is ever kept in JavaScript. Every failure becomes an ApiError with
 * the API's `{code, message, details}`; network failures get code NETWORK. Requests in
 * flight are counted for the global progress bar.
 */
import type { ErrorCode, WireErrorBody } from '@tabula/schema-engine/wire';
import { progress } from '../state/progress.svelte';

/** The API's codes, and the designer's own for a failure the API did not answer. */
export type ClientErrorCode = ErrorCode | 'NETWORK' | `HTTP_${number}`;

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ClientErrorCode,
    message: string,
    readonly details?: any,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** Per-field messages from VALIDATION_FAILED details `{key:{code,message}}`. */
  fieldMessages(): Record<string, string> {
    const out: Record<string, string> = {};
    const d = this.details;
    if (d && typeof d === 'object' && !Array.isArray(d)) {
      for (const [k, v] of Object.entries(d)) {
        if (v && typeof v === 'object' && typeof (v as any).message === 'string') out[k] = (v as any).message;
      }
    }
    return out;
  }
}

/** Listeners told when the session is gone (401 on a request that needed one). */
const unauthenticatedListeners = new Set<() => void>();
export function onUnauthenticated(fn: () => void): () => void {
  unauthenticatedListeners.add(fn);
  return () => unauthenticatedListeners.delete(fn);
}

export interface RequestOptions {
  /** Do not show the global progress bar (background refreshes). */
  quiet?: boolean;
  /** Do not redirect to the sign-in page on 401 (the sign-in request itself). */
  noAuthRedirect?: boolean;
  signal?: AbortSignal;
}

export async function request<T = any>(method: string, path: string, body?: unknown, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const done = opts.quiet ? () => {} : progress.start();
  let res: Response;
  try {
    res = await fetch('/api' + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      signal: opts.signal,
    });
  } catch (e) {
    done();
    if ((e as Error)?.name === 'AbortError') throw e;
    throw new ApiError(0, 'NETWORK', 'The server cannot be reached. Check your connection and try again.');
  }
  let parsed: any;
  try {
    const text = await res.text();
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  } finally {
    done();
  }
  if (!res.ok) {
    const err = (parsed as Partial<WireErrorBody> | undefined)?.error;
    const e = new ApiError(res.status, err?.code ?? `HTTP_${res.status}`, err?.message ?? defaultMessage(res.status), err?.details);
    if (res.status === 401 && !opts.noAuthRedirect) for (const fn of unauthenticatedListeners) fn();
    throw e;
  }
  return parsed as T;
}

function defaultMessage(status: number): string {
  if (status === 404) return 'Not found';
  if (status === 413) return 'What you sent is too large';
  if (status >= 500) return 'The server had a problem; try again in a moment';
  return `The request failed (${status})`;
}

export const api = {
  get: <T = any>(path: string, opts?: RequestOptions) => request<T>('GET', path, undefined, opts),
  post: <T = any>(path: string, body?: unknown, opts?: RequestOptions) => request<T>('POST', path, body ?? {}, opts),
  put: <T = any>(path: string, body?: unknown, opts?: RequestOptions) => request<T>('PUT', path, body, opts),
  patch: <T = any>(path: string, body?: unknown, opts?: RequestOptions) => request<T>('PATCH', path, body, opts),
  del: <T = any>(path: string, opts?: RequestOptions) => request<T>('DELETE', path, undefined, opts),
};

/** True when the API does not offer an endpoint (yet): 404 on the route, or 405. */
export function isMissingEndpoint(e: unknown): boolean {
  return e instanceof ApiError && (e.status === 404 || e.status === 405) && (e.code === 'NOT_FOUND' || e.code.startsWith('HTTP_'));
}

export function enc(s: string): string {
  return encodeURIComponent(s);
}

/** Query string from params; objects are sent as JSON. */
export function qs(params: Record<string, unknown>): string {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === '') continue;
    u.set(k, typeof v === 'string' ? v : JSON.stringify(v));
  }
  const s = u.toString();
  return s ? '?' + s : '';
}
