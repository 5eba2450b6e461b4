/** Every domain error code maps to one HTTP status; the Record type makes the map exhaustive. */
import type { ErrorCode } from '@tabula/schema-engine';

export const ERROR_STATUS: Record<ErrorCode, number> = {
  VALIDATION_FAILED: 400,
  UNKNOWN_FIELD: 400,
  INVALID_FILTER: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  VERSION_CONFLICT: 409,
  UNIQUE_VIOLATION: 409,
  DELETE_RESTRICTED: 409,
  ALREADY_SET_UP: 409,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  FORMULA_ERROR: 422,
  CYCLE: 422,
  UNPROCESSABLE: 422,
  LOCKED: 423,
  TOO_MANY_REQUESTS: 429,
  INTERNAL: 500,
};
