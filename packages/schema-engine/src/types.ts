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

/** The static type of a value in the formula language (packages/formula infers and checks with it). */
export const VALUE_TYPES = ['number', 'money', 'text', 'boolean', 'date', 'dateTime', 'any', 'blank'] as const;
export type ValueType = (typeof VALUE_TYPES)[number];

/**
 * A field as the formula language sees it: a value of a static type (money with its fixed
 * currency, or null when each value carries its own), or a link — the list of records of
 * another table, read only through aggregates such as `SUM(lines.amount)`.
 */
export type FormulaType = { type: ValueType; currency?: string | null } | { type: 'link'; table: string };

/**
 * The three ways the computed engine derives a value. The kind fixes the options a type of
 * that kind stores (ids once saved; keys in a configuration document), so the engine,
 * the rights and the configuration document read every type of a kind alike:
 * - `formula`: an expression over the record and its links — `expression` (display form),
 *   `stored` (references by id), `resultType`, `currency`, `volatile`;
 * - `lookup`: the values of a field of the linked records — `link` (a link field of the
 *   table), `field` (a field of the linked table), `resultType`, `currency`, `multiple`;
 * - `aggregate`: sum, avg, count, min or max of a field of the linked records — `link`,
 *   `field` (absent for a count), `aggregate`, `resultType`, `currency`.
 */
export type DerivationKind = 'formula' | 'lookup' | 'aggregate';

/**
 * Storage operations the API lends to a type's lifecycle hooks, inside the transaction
 * that creates or removes the field (apps/api tables.service implements them): the type
 * says which it needs, the API owns how.
 */
export interface FieldStore {
  /** Creates the inverse of a new link on its target table and pairs the two (a field created as that inverse is paired with its link). */
  pairInverse(field: FieldMeta): Promise<void>;
  /** Numbers the records that exist when the field is added, in creation order. */
  numberExisting(field: FieldMeta): Promise<void>;
  /** Deletes the field's rows of the link table. */
  dropLinks(field: FieldMeta): Promise<void>;
}

/**
 * One field type. The registry refuses duplicates; a shared table of cases in
 * field-types.spec.ts runs against every registered type.
 */
export interface FieldTypeDef<O extends Record<string, unknown> = Record<string, unknown>> {
  readonly type: string;
  /**
   * Read-only: users never write the value (input refuses it; it has no default and cannot
   * be required). True for every derived type, and for autonumber, which the system assigns.
   */
  readonly computed: boolean;
  /**
   * Derived: the value is computed by the computed engine from other values — the record's
   * own fields or its linked records — stored with the record and recomputed whenever they
   * change (formula, lookup, rollup); its kind says how (DerivationKind). False otherwise.
   * Every derived type is `computed`, not every computed type is derived: an autonumber is
   * assigned once when its record is created and nothing ever recomputes it.
   */
  readonly derived: DerivationKind | false;
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
  /** The field's type as the formula language sees it: the one mapping (packages/formula builds formula schemas from it). */
  formulaType(field: FieldMeta): FormulaType;
  /** Storage work once the field's metadata row is written (a link's inverse, an autonumber's numbers for existing records). */
  afterCreate?(field: FieldMeta, store: FieldStore): Promise<void>;
  /** Ids of the fields removed together with this one (a link's inverse). */
  companions?(field: FieldMeta): string[];
  /** Storage work when the field is removed, in the same transaction (a link's rows). */
  onRemove?(field: FieldMeta, store: FieldStore): Promise<void>;
  /** Wire value → human text for display and export. */
  format(wire: unknown, field: FieldMeta, opts?: FormatOptions): string;
}

export type AnyFieldType = FieldTypeDef<Record<string, unknown>>;
