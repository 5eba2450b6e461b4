/**
 * The metadata model: tables, fields, layouts and views as the engine sees them, and the
 * interface that every field type implements (one module per type, see field-types/).
 */
import type { SqlBuilder } from './query/sql-builder.js';

export interface FieldMeta {
  id: string;
  tableId: string;
  key: string;
  label: string;
  type: string;
  /** Short immutable key of the value in `record.data`, e.g. `f12`. */
  slot: string;
  options: Record<string, unknown>;
  required: boolean;
  unique: boolean;
  /** Default in wire form, or null. */
  defaultValue: unknown;
  searchable: boolean;
  position: number;
}

export interface TableMeta {
  id: string;
  workspaceId: string;
  key: string;
  label: string;
  primaryFieldId: string | null;
  position: number;
  fields: FieldMeta[];
}

export interface LayoutMeta {
  tableId: string;
  kind: 'card' | 'table';
  spec: unknown;
}

export interface ViewMeta {
  id: string;
  tableId: string;
  name: string;
  filter: unknown;
  sort: string | null;
  columns: unknown;
}

export const FILTER_OPS = [
  'eq',
  'ne',
  'lt',
  'lte',
  'gt',
  'gte',
  'in',
  'nin',
  'contains',
  'startsWith',
  'isEmpty',
  'isNotEmpty',
  'between',
] as const;
export type FilterOp = (typeof FILTER_OPS)[number];

/** What a type's SQL expression yields, used to cast bound parameters and cursor values. */
export type SqlKind = 'text' | 'numeric' | 'boolean' | 'date' | 'datetime' | 'jsonb';

/** Context a value coercion may need (time zone for relative dates, user lookup, …). */
export interface ValueContext {
  /** Today's date in the workspace's time zone, `YYYY-MM-DD`. */
  today(): string;
  /** The current instant. */
  now(): Date;
  /**
   * The workspace's IANA time zone (e.g. `Europe/Bucharest`). Date-time filters that name a
   * day (`"2026-11-26"`, a relative date) mean that day in this zone; UTC when absent.
   */
  timeZone?: string;
}

export interface FormatOptions {
  locale?: string;
  timeZone?: string;
}

/**
 * One field type. The registry refuses duplicates; a shared table of cases in
 * field-types.spec.ts runs against every registered type.
 */
export interface FieldTypeDef<O extends Record<string, unknown> = Record<string, unknown>> {
  readonly type: string;
  /** Read-only, computed by the engine (formula, lookup, rollup, autonumber). */
  readonly computed: boolean;
  readonly sortable: boolean;
  readonly canBePrimary: boolean;
  /** May be marked searchable (quick search with ILIKE on its text). */
  readonly searchable: boolean;
  readonly canBeUnique: boolean;
  readonly operators: readonly FilterOp[];
  readonly sqlKind: SqlKind;
  /**
   * Validates and normalises the options; throws ValueError naming the bad option.
   * `previous` is the field's current options when they are being changed (select keeps
   * its choice-id counter there so that a deleted choice's id is never reused).
   */
  parseOptions(raw: unknown, previous?: O): O;
  /**
   * Wire value → stored JSON value. Called only for non-empty input (null, undefined and
   * "" mean empty and are handled by the caller). Throws ValueError.
   */
  coerce(input: unknown, field: FieldMeta, ctx: ValueContext): unknown;
  /** Stored JSON value (never null) → wire value. */
  toWire(stored: unknown, field: FieldMeta): unknown;
  /** SQL expression over the record alias, typed as sqlKind, e.g. `(r.data->>'f3')::numeric`. */
  sqlExpr(field: FieldMeta, alias: string): string;
  /**
   * What a unique index on the field compares (defaults to sqlExpr): values equal here are
   * one value. Email compares in lower case, as mailboxes are matched case-insensitively.
   */
  uniqueExpr?(field: FieldMeta, alias: string): string;
  /** Expression to ORDER BY (defaults to sqlExpr). */
  sortExpr?(field: FieldMeta, alias: string, sql: SqlBuilder): string;
  /** What sortExpr yields when it differs from sqlKind. */
  readonly sortKind?: SqlKind;
  /** Filter operand → SQL parameter value of sqlKind. Throws ValueError. */
  filterOperand(value: unknown, field: FieldMeta, ctx: ValueContext): unknown;
  /** Custom SQL for an operator (multi select, text contains, …); return undefined for the default. */
  compileOp?(op: FilterOp, value: unknown, field: FieldMeta, alias: string, sql: SqlBuilder, ctx: ValueContext): string | undefined;
  /**
   * Computed types whose values take another type's shape (a formula returning money, a
   * lookup of a date) answer the field as that type, on the same slot: filters, sorts and
   * indexes then use that type's SQL expression and operators.
   */
  delegate?(field: FieldMeta): FieldMeta | undefined;
  /** Wire value → human text for display and export. */
  format(wire: unknown, field: FieldMeta, opts?: FormatOptions): string;
}

export type AnyFieldType = FieldTypeDef<Record<string, unknown>>;
