/**
 * The configuration document (`GET|PUT /api/config`, templates/*.json): a whole workspace's
 * design as one JSON value. It names tables and fields by KEY only — never by id — so a
 * document taken from one instance applies to another. Inverse link fields are not listed:
 * the primary side carries `inverseKey`/`inverseLabel` and applying recreates the pair.
 * See docs/configuration.md.
 */
import { DomainError, type ErrorCode } from '@tabula/schema-engine';
import { isPlainObject } from '@tabula/schema-engine';

export const CONFIG_FORMAT = 'tabula-config';
export const CONFIG_VERSION = 1;

/** Top-level keys of a document; `title` and `description` describe a template and are not applied. */
export const TOP_KEYS = ['format', 'version', 'title', 'description', 'workspace', 'tables', 'layouts', 'views', 'roles'] as const;
export const WORKSPACE_KEYS = ['name', 'baseCurrency', 'timeZone', 'locale'] as const;
export const TABLE_KEYS = ['key', 'label', 'primaryField', 'fields'] as const;
export const LINK_OPTION_KEYS = ['table', 'multiple', 'onDelete', 'inverseKey', 'inverseLabel'] as const;
export const VIEW_KEYS = ['name', 'filter', 'sort', 'columns'] as const;
export const ROLE_KEYS = ['name', 'rules'] as const;

/** Object keys refused anywhere in a document: merged into an object they would reach its prototype. */
export const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
export const MAX_DEPTH = 40;
export const MAX_TABLES = 500;
export const MAX_FIELDS = 500;
export const MAX_VIEWS = 200;

export interface WorkspaceSettings {
  name: string;
  baseCurrency: string;
  timeZone: string;
  locale: string;
}

export interface ConfigField {
  key: string;
  label: string;
  type: string;
  options: Record<string, unknown>;
  required: boolean;
  unique: boolean;
  default: unknown;
  searchable: boolean;
}

export interface ConfigTable {
  key: string;
  label: string;
  primaryField: string | null;
  fields: ConfigField[];
}

export interface ConfigView {
  name: string;
  filter: unknown;
  sort: string | null;
  columns: unknown;
}

export interface ConfigRole {
  name: string;
  rules: unknown[];
}

export interface ConfigLayouts {
  card?: unknown;
  table?: unknown;
}

export interface ConfigDocument {
  format: typeof CONFIG_FORMAT;
  version: typeof CONFIG_VERSION;
  workspace?: Partial<WorkspaceSettings>;
  tables: ConfigTable[];
  layouts: Record<string, ConfigLayouts>;
  views: Record<string, ConfigView[]>;
  roles?: ConfigRole[];
}

/** One difference between the stored configuration and a document (PUT on a non-empty workspace). */
export interface ConfigDifference {
  path: string;
  kind: 'added' | 'removed' | 'changed';
  from?: unknown;
  to?: unknown;
}

/** One problem of a document, located by a key path such as `tables.orders.fields.total`. */
export interface ConfigIssue {
  at: string;
  code: ErrorCode;
  message: string;
  details?: unknown;
}

/** A 400 issue; `code` says what is wrong (UNKNOWN_KEY, DUPLICATE, …). */
export function badIssue(at: string, message: string, code = 'INVALID'): ConfigIssue {
  return { at, code: 'VALIDATION_FAILED', message, details: { code } };
}

/** Files an issue per key of `o` not in `allowed`; true when there was one. */
export function unknownKeys(o: Record<string, unknown>, allowed: readonly string[], at: string, issues: ConfigIssue[]): boolean {
  const extra = Object.keys(o).filter((k) => !allowed.includes(k));
  for (const k of extra)
    issues.push(badIssue(`${at}.${k.slice(0, 80)}`, `unknown key "${k.slice(0, 80)}"; allowed: ${allowed.join(', ')}`, 'UNKNOWN_KEY'));
  return extra.length > 0;
}

/** A DomainError as an issue at `at`; anything else is rethrown. */
export function issueOf(at: string, e: unknown): ConfigIssue {
  if (e instanceof DomainError) return { at, code: e.code, message: e.message, ...(e.details !== undefined ? { details: e.details } : {}) };
  throw e;
}

/** Throws the first issue's code with every issue in the details (nothing has been changed). */
export function throwIssues(issues: ConfigIssue[]): void {
  if (!issues.length) return;
  const first = issues[0]!;
  const own = isPlainObject(first.details) ? first.details : first.details === undefined ? {} : { cause: first.details };
  throw new DomainError(first.code, `${first.at}: ${first.message}`, { ...own, at: first.at, errors: issues.slice(0, 50) });
}
