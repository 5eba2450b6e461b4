/**
 * Bodies that define tables and fields, as the API receives them:
 * - field `{key,label,type,options,required,unique,default,searchable}`
 * - table `{key,label,primaryField}`
 * Every problem is reported at once in VALIDATION_FAILED details keyed by body key
 * (`{options: {code, message}}`). Unknown body keys are refused, and so is `__proto__`
 * anywhere in the body (a JSON body may carry it as an own key; merged into an object it
 * would replace that object's prototype).
 *
 * On update, absent keys keep the field's current values. When the type changes, absent
 * options, default and flags start afresh for the new type (a flag the new type cannot
 * carry is dropped unless it is given explicitly, which is an error).
 */
import { DomainError, ValueError } from './errors.js';
import { isPlainObject } from './plain-object.js';
import { KEY_RE, validateKey } from './keys.js';
import { checkDefault, isEmptyInput, type FieldIssue } from './record-codec.js';
import { getFieldType, hasFieldType } from './registry.js';
import type { AnyFieldType, FieldMeta, ValueContext } from './types.js';

export const MAX_LABEL = 200;
export const MAX_BODY_DEPTH = 32;
export const FIELD_BODY_KEYS = ['key', 'label', 'type', 'options', 'required', 'unique', 'default', 'searchable'] as const;
export const TABLE_BODY_KEYS = ['key', 'label', 'primaryField'] as const;

export interface FieldDefinition {
  key: string;
  label: string;
  type: string;
  options: Record<string, unknown>;
  required: boolean;
  unique: boolean;
  /** In wire form, normalised (money "5" → {"amount":"5.00","currency":"EUR"}), or null. */
  defaultValue: unknown;
  searchable: boolean;
}

export interface TableDefinition {
  key: string;
  label: string;
  /** Key of the field that names a record, or null. */
  primaryField: string | null;
}

type Issues = Record<string, FieldIssue>;

const systemContext: ValueContext = {
  today: () => new Date().toISOString().slice(0, 10),
  now: () => new Date(),
};

/** `unit_price` → `Unit price`. */
export function labelFromKey(key: string): string {
  const words = key.replace(/_+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Refuses `__proto__` keys, non-JSON objects and nesting deeper than MAX_BODY_DEPTH. */
export function assertSafeJson(value: unknown, depth = 0): void {
  const refuse = (code: string, message: string) => new DomainError('VALIDATION_FAILED', message, { body: { code, message } });
  if (depth > MAX_BODY_DEPTH) throw refuse('TOO_DEEP', `the body may nest at most ${MAX_BODY_DEPTH} levels`);
  if (typeof value !== 'object' || value === null) return;
  if (Array.isArray(value)) {
    for (const v of value) assertSafeJson(v, depth + 1);
    return;
  }
  if (!isPlainObject(value)) throw refuse('NOT_JSON', 'the body must be plain JSON');
  for (const k of Object.keys(value)) {
    if (k === '__proto__') throw refuse('FORBIDDEN_KEY', '"__proto__" is not allowed');
    assertSafeJson(value[k], depth + 1);
  }
}

function bodyObject(input: unknown, allowed: readonly string[]): Record<string, unknown> {
  assertSafeJson(input);
  if (!isPlainObject(input)) {
    throw new DomainError('VALIDATION_FAILED', 'The body must be a JSON object', {
      body: { code: 'NOT_AN_OBJECT', message: 'must be an object' },
    });
  }
  const unknown = Object.keys(input).filter((k) => !allowed.includes(k));
  if (unknown.length) {
    const details: Issues = {};
    for (const k of unknown.slice(0, 20)) details[k.slice(0, 80)] = { code: 'UNKNOWN_KEY', message: `allowed keys: ${allowed.join(', ')}` };
    throw new DomainError('VALIDATION_FAILED', `Unknown key ${JSON.stringify(unknown[0]!.slice(0, 80))}`, details);
  }
  return input;
}

/** Runs a check and files its failure under `name` (a DomainError's own details are merged). */
function attempt<T>(issues: Issues, name: string, fn: () => T): T | undefined {
  try {
    return fn();
  } catch (e) {
    if (e instanceof ValueError) issues[name] = { code: e.issue, message: e.message };
    else if (e instanceof DomainError && e.code === 'VALIDATION_FAILED' && isPlainObject(e.details)) Object.assign(issues, e.details);
    else throw e;
    return undefined;
  }
}

function fail(issues: Issues): never {
  const [name, first] = Object.entries(issues)[0]!;
  throw new DomainError('VALIDATION_FAILED', `Invalid ${name}: ${first.message}`, issues);
}

function parseLabel(raw: unknown): string {
  if (typeof raw !== 'string') throw new ValueError('INVALID_LABEL', 'must be text');
  const label = raw.trim();
  if (!label) throw new ValueError('INVALID_LABEL', 'must not be empty');
  if ([...label].length > MAX_LABEL) throw new ValueError('INVALID_LABEL', `at most ${MAX_LABEL} characters`);

  if (/[\u0000-\u001f\u007f]/.test(label)) throw new ValueError('INVALID_LABEL', 'must be one line without control characters');
  return label;
}

function parseFlag(raw: unknown): boolean {
  if (typeof raw !== 'boolean') throw new ValueError('NOT_A_BOOLEAN', 'must be true or false');
  return raw;
}

const has = (o: Record<string, unknown>, k: string) => Object.prototype.hasOwnProperty.call(o, k);

/**
 * Validates a field body. `existing` is the field being updated (update mode); without it
 * an update is checked like a creation.
 */
export function parseFieldDefinition(
  input: unknown,
  mode: 'create' | 'update',
  existing?: FieldMeta,
  ctx: ValueContext = systemContext,
): FieldDefinition {
  const body = bodyObject(input, FIELD_BODY_KEYS);
  const base = mode === 'update' ? existing : undefined;
  const issues: Issues = {};

  let key: string | undefined = base?.key;
  if (has(body, 'key')) key = attempt(issues, 'key', () => validateKey(body.key, 'field'));
  else if (!base) issues.key = { code: 'REQUIRED', message: 'a field needs a key' };

  let type: string | undefined = base?.type;
  if (has(body, 'type')) {
    type = attempt(issues, 'type', () => {
      if (typeof body.type !== 'string' || !hasFieldType(body.type)) getFieldType(String(body.type).slice(0, 40));
      return body.type as string;
    });
  } else if (!base) issues.type = { code: 'REQUIRED', message: 'a field needs a type' };
  const def: AnyFieldType | undefined = type === undefined ? undefined : getFieldType(type);
  const sameType = base !== undefined && def !== undefined && base.type === def.type;

  let label: string | undefined = base?.label;
  if (has(body, 'label')) label = attempt(issues, 'label', () => parseLabel(body.label));
  else if (!base && key) label = labelFromKey(key);

  let options: Record<string, unknown> | undefined;
  if (def) {
    if (has(body, 'options'))
      options = attempt(issues, 'options', () => def.parseOptions(body.options, sameType ? base!.options : undefined));
    else if (sameType) options = base!.options;
    else options = attempt(issues, 'options', () => def.parseOptions(undefined));
  }

  const flag = (name: 'required' | 'unique' | 'searchable', capable: boolean, why: string): boolean => {
    if (has(body, name)) {
      const v = attempt(issues, name, () => parseFlag(body[name]));
      if (v && !capable) issues[name] = { code: 'NOT_SUPPORTED', message: why };
      return v ?? false;
    }
    return (base?.[name] ?? false) && capable;
  };
  const required = flag('required', !def?.computed, `${type} fields are computed and cannot be required`);
  const unique = flag('unique', def?.canBeUnique ?? true, `${type} fields cannot be unique`);
  const searchable = flag('searchable', def?.searchable ?? true, `${type} fields cannot be searched`);

  let defaultValue: unknown = has(body, 'default') ? body.default : sameType ? base!.defaultValue : null;
  if (isEmptyInput(defaultValue)) defaultValue = null;
  else if (def?.computed) issues.default = { code: 'NOT_SUPPORTED', message: `${type} fields are computed and have no default` };
  else if (def && options && key && !issues.options) {
    const field: FieldMeta = {
      id: base?.id ?? '',
      tableId: base?.tableId ?? '',
      key,
      label: label ?? key,
      type: def.type,
      slot: base?.slot ?? 'f0',
      options,
      required,
      unique,
      defaultValue,
      searchable,
      position: base?.position ?? 0,
    };
    defaultValue = attempt(issues, 'default', () => {
      checkDefault(field, ctx);
      return def.toWire(def.coerce(defaultValue, field, ctx), field);
    });
  }

  if (Object.keys(issues).length) fail(issues);
  return { key: key!, label: label!, type: def!.type, options: options!, required, unique, defaultValue: defaultValue ?? null, searchable };
}

function parsePrimaryField(raw: unknown): string | null {
  if (raw === null) return null;
  if (typeof raw !== 'string' || !KEY_RE.test(raw))
    throw new ValueError('INVALID_KEY', 'must be the key of a field of this table, or null');
  return raw;
}

/** Validates a table body `{key,label,primaryField?}`; on update every key is optional. */
export function parseTableDefinition(input: unknown): TableDefinition;
export function parseTableDefinition(input: unknown, mode: 'create'): TableDefinition;
export function parseTableDefinition(input: unknown, mode: 'update'): Partial<TableDefinition>;
export function parseTableDefinition(input: unknown, mode: 'create' | 'update' = 'create'): Partial<TableDefinition> {
  const body = bodyObject(input, TABLE_BODY_KEYS);
  const issues: Issues = {};
  const out: Partial<TableDefinition> = {};
  if (has(body, 'key')) out.key = attempt(issues, 'key', () => validateKey(body.key, 'table'));
  else if (mode === 'create') issues.key = { code: 'REQUIRED', message: 'a table needs a key' };
  if (has(body, 'label')) out.label = attempt(issues, 'label', () => parseLabel(body.label));
  else if (mode === 'create' && out.key) out.label = labelFromKey(out.key);
  if (has(body, 'primaryField')) out.primaryField = attempt(issues, 'primaryField', () => parsePrimaryField(body.primaryField));
  else if (mode === 'create') out.primaryField = null;
  if (Object.keys(issues).length) fail(issues);
  return out;
}
