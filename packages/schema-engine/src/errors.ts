/**
 * Domain errors: a closed set of codes with typed details. Packages know nothing of HTTP;
 * the API maps each code to a status in one exhaustive table.
 */
export const ERROR_CODES = [
  'VALIDATION_FAILED',
  'UNKNOWN_FIELD',
  'INVALID_FILTER',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'VERSION_CONFLICT',
  'UNIQUE_VIOLATION',
  'DELETE_RESTRICTED',
  'ALREADY_SET_UP',
  'CONFLICT',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'REQUEST_TIMEOUT',
  'URI_TOO_LONG',
  'HEADERS_TOO_LARGE',
  'FORMULA_ERROR',
  'CYCLE',
  'UNPROCESSABLE',
  'TOO_MANY_REQUESTS',
  'LOCKED',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

/** A per-value failure: the field registry throws it, the caller collects it per field. */
export class ValueError extends Error {
  constructor(
    readonly issue: string,
    message: string,
  ) {
    super(message);
    this.name = 'ValueError';
  }
}

export function isDomainError(e: unknown): e is DomainError {
  return e instanceof DomainError;
}
