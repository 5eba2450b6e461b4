/** Keys of tables and fields: `[a-z][a-z0-9_]*`, at most 63 characters, never a reserved name. */
import { DomainError } from './errors.js';

export const KEY_RE = /^[a-z][a-z0-9_]{0,62}$/;

export const SYSTEM_FIELD_KEYS = ['id', 'owner', 'version', 'created_at', 'updated_at', 'created_by', 'updated_by', 'deleted_at'] as const;

const PROTOTYPE_NAMES = new Set(
  [
    ...Object.getOwnPropertyNames(Object.prototype),
    'constructor',
    'prototype',
    '__proto__',
    '__definegetter__',
    '__definesetter__',
    '__lookupgetter__',
    '__lookupsetter__',
    'tostring',
    'valueof',
    'hasownproperty',
    'isprototypeof',
    'propertyisenumerable',
    'tolocalestring',
  ].map((n) => n.toLowerCase()),
);

export function isReservedKey(key: string): boolean {
  return (SYSTEM_FIELD_KEYS as readonly string[]).includes(key) || PROTOTYPE_NAMES.has(key.toLowerCase());
}

export function validateKey(key: unknown, what: 'table' | 'field'): string {
  if (typeof key !== 'string' || !KEY_RE.test(key)) {
    throw new DomainError('VALIDATION_FAILED', `The ${what} key must match [a-z][a-z0-9_]* and be at most 63 characters`, {
      key: { code: 'INVALID_KEY', message: 'must match [a-z][a-z0-9_]*, at most 63 characters' },
    });
  }
  if (isReservedKey(key)) {
    throw new DomainError('VALIDATION_FAILED', `"${key}" is a reserved name`, {
      key: { code: 'RESERVED_KEY', message: `"${key}" is reserved` },
    });
  }
  return key;
}
