/**
 * The user body `{email, password, name, roles, groups, attributes, active}`: validated
 * whole, unknown keys refused (`role`, `admin`, `id`, `password_hash`, … are mass
 * assignment). Attributes are what `"$me.<attribute>"` in a rule stands for: names like
 * field keys (never a prototype name), values text, numbers, booleans or lists of them.
 */
import { assertSafeJson, DomainError } from '@tabula/schema-engine';
import { normaliseEmail } from '../auth/auth.service.js';
import { validatePassword } from '../auth/password.js';
import { bodyWithKeys, parseName } from '../access/rights-admin.js';
import { isPlainObject } from '@tabula/schema-engine';

export const USER_KEYS = ['email', 'password', 'name', 'roles', 'groups', 'attributes', 'active'] as const;

export interface UserInput {
  email?: string;
  password?: string;
  name?: string;
  /** Role and group references (names or ids), resolved in the transaction. */
  roles?: unknown;
  groups?: unknown;
  attributes?: Record<string, unknown>;
  active?: boolean;
}

const ATTRIBUTE_RE = /^[A-Za-z][A-Za-z0-9_]{0,62}$/;
const PROTOTYPE_NAMES = new Set(
  Object.getOwnPropertyNames(Object.prototype)
    .map((n) => n.toLowerCase())
    .concat(['prototype']),
);
const MAX_ATTRIBUTES = 50;

function fail(key: string, code: string, message: string): never {
  throw new DomainError('VALIDATION_FAILED', `${key}: ${message}`, { [key]: { code, message } });
}

function attributeValue(v: unknown): boolean {
  if (typeof v === 'string') return v.length <= 500;
  if (typeof v === 'number') return Number.isFinite(v);
  if (typeof v === 'boolean' || v === null) return true;
  return (
    Array.isArray(v) &&
    v.length <= 100 &&
    v.every((x) => (typeof x === 'string' && x.length <= 500) || (typeof x === 'number' && Number.isFinite(x)) || typeof x === 'boolean')
  );
}

export function parseAttributes(raw: unknown): Record<string, unknown> {
  if (!isPlainObject(raw)) fail('attributes', 'NOT_AN_OBJECT', 'must be an object of names to values');
  const keys = Object.keys(raw);
  if (keys.length > MAX_ATTRIBUTES) fail('attributes', 'TOO_MANY', `at most ${MAX_ATTRIBUTES} attributes`);
  const out: Record<string, unknown> = {};
  for (const k of keys) {
    if (!ATTRIBUTE_RE.test(k) || PROTOTYPE_NAMES.has(k.toLowerCase()))
      fail('attributes', 'INVALID_NAME', `${JSON.stringify(k.slice(0, 40))} is not a valid attribute name`);
    if (!attributeValue(raw[k])) fail('attributes', 'INVALID_VALUE', `${k} must be text, a number, true/false or a list of them`);
    if (raw[k] !== null) out[k] = raw[k];
  }
  return out;
}

export function parseUserBody(body: unknown, mode: 'create' | 'update'): UserInput {
  assertSafeJson(body);
  const b = bodyWithKeys(body, USER_KEYS, 'the user');
  const out: UserInput = {};
  const has = (k: string) => Object.prototype.hasOwnProperty.call(b, k);
  if (has('email')) out.email = normaliseEmail(b.email);
  else if (mode === 'create') fail('email', 'REQUIRED', 'a user needs an email address');
  if (has('password')) {
    const err = validatePassword(b.password);
    if (err) fail('password', err.code, err.message);
    out.password = b.password as string;
  } else if (mode === 'create') fail('password', 'REQUIRED', 'a user needs a password');
  if (has('name')) out.name = parseName(b.name, 'name');
  if (has('roles')) out.roles = b.roles;
  if (has('groups')) out.groups = b.groups;
  if (has('attributes')) out.attributes = parseAttributes(b.attributes);
  if (has('active')) {
    if (typeof b.active !== 'boolean') fail('active', 'NOT_A_BOOLEAN', 'must be true or false');
    out.active = b.active;
  }
  return out;
}
