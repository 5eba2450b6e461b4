/**
 * Every error leaves as `{"error":{"code","message","details"}}`. Domain errors map through
 * ERROR_STATUS; PostgreSQL errors are translated (unique violation → 409, bad input → 400);
 * framework errors (malformed JSON, body too large, unknown route) get their 4xx; anything
 * else is a logged 500 that reveals nothing.
 */
import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { DomainError, type ErrorCode } from '@tabula/schema-engine';
import { ERROR_STATUS } from './error-status.js';

export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}

const logger = new Logger('errors');

/** Maps a PostgreSQL error (pg or PGlite) to a domain error, or undefined. */
export function translatePgError(e: unknown): DomainError | undefined {
  const err = e as { code?: string; constraint?: string; message?: string; detail?: string };
  if (typeof err?.code !== 'string' || !/^[0-9A-Z]{5}$/.test(err.code)) return undefined;
  switch (err.code) {
    case '23505':
      // no constraint name: it holds a table's id, and the value's owner may be unreadable
      return new DomainError('UNIQUE_VIOLATION', 'A record with this value already exists');
    case '23502':
      return new DomainError('VALIDATION_FAILED', 'A required value is missing');
    case '22001':
      return new DomainError('VALIDATION_FAILED', 'A value is too long');
    case '22P05':
    case '22021':
      // U+0000 or an invalid byte sequence: input-checks refuses NUL first; this is the second line
      return new DomainError('VALIDATION_FAILED', 'A text contains a character that cannot be stored (U+0000)');
    case '22P02':
    case '22003':
    case '22007':
    case '22008':
    case '22023':
    case '2201B':
      return new DomainError('VALIDATION_FAILED', 'A value has the wrong form');
    case '23503':
      return new DomainError('CONFLICT', 'A referenced item does not exist or is still referenced');
    case '40P01':
    case '40001':
      return new DomainError('CONFLICT', 'The change collided with another; please retry');
    case '57014':
      return new DomainError('UNPROCESSABLE', 'The query took too long and was cancelled');
    case '54000':
    case '54001':
      // e.g. a long text in a btree index (over 2,704 bytes): a value the field allows, a limit of the database
      return new DomainError('UNPROCESSABLE', 'The value or the request exceeds a limit of the database');
    default:
      return undefined;
  }
}

/** Nest's HttpException statuses → our codes; any other 4xx is a 400. */
const HTTP_CODES: Partial<Record<number, ErrorCode>> = {
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  408: 'REQUEST_TIMEOUT',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  414: 'URI_TOO_LONG',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'UNPROCESSABLE',
  429: 'TOO_MANY_REQUESTS',
  431: 'HEADERS_TOO_LARGE',
};

/** Fastify / Nest framework errors → our codes. */
function fromFramework(e: unknown): { status: number; body: ErrorBody } | undefined {
  const err = e as { code?: string; statusCode?: number; message?: string };
  if (err?.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || err?.statusCode === 413) {
    return { status: 413, body: { error: { code: 'PAYLOAD_TOO_LARGE', message: 'The request body is too large' } } };
  }
  if (err?.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || err?.statusCode === 415) {
    return { status: 415, body: { error: { code: 'UNSUPPORTED_MEDIA_TYPE', message: 'Send JSON (application/json)' } } };
  }
  if ((typeof err?.code === 'string' && err.code.startsWith('FST_ERR_CTP')) || e instanceof SyntaxError) {
    return {
      status: 400,
      body: {
        error: {
          code: 'VALIDATION_FAILED',
          message: 'The request body is not valid JSON',
          details: { body: { code: 'MALFORMED_JSON', message: 'not valid JSON' } },
        },
      },
    };
  }
  return undefined;
}

export function toErrorResponse(e: unknown): { status: number; body: ErrorBody } {
  if (e instanceof DomainError) {
    return {
      status: ERROR_STATUS[e.code],
      body: { error: { code: e.code, message: e.message, ...(e.details !== undefined ? { details: e.details } : {}) } },
    };
  }
  const pg = translatePgError(e);
  if (pg) return toErrorResponse(pg);
  const fw = fromFramework(e);
  if (fw) return fw;
  if (e instanceof HttpException) {
    // the code's own status, so that code and status always agree (a 415 is never VALIDATION_FAILED)
    const code = HTTP_CODES[e.getStatus()] ?? (e.getStatus() < 500 ? 'VALIDATION_FAILED' : 'INTERNAL');
    const message = code === 'NOT_FOUND' ? 'Not found' : code === 'INTERNAL' ? 'Internal error' : e.message;
    return { status: ERROR_STATUS[code], body: { error: { code, message } } };
  }
  logger.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
  return { status: 500, body: { error: { code: 'INTERNAL', message: 'Internal error' } } };
}

@Catch()
export class AllErrorsFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<{ status(n: number): { send(b: unknown): void }; header(k: string, v: string): void }>();
    const { status, body } = toErrorResponse(exception);
    const retry = (exception as DomainError)?.details as { retryAfter?: number } | undefined;
    if (status === 429 && retry?.retryAfter) reply.header('Retry-After', String(retry.retryAfter));
    reply.status(status).send(body);
  }
}
