/**
 * The wire contract of the HTTP API v1 (DESIGN.md, "HTTP API (v1)", and docs/api.md) as
 * types: what the API answers and the designer reads, written once so that the two sides
 * cannot drift. (The API still declares its own output types beside its services; they are
 * to become these — issue 13, item 1.)
 *
 * Fields and records speak keys, never slots or field ids. Values in `data` are in their
 * wire form (money `{amount, currency}`, numbers as JSON numbers or decimal strings past 15
 * digits, dates `YYYY-MM-DD`), as each field type's `toWire` gives them.
 *
 * The generic parameters only narrow: a client that reads options loosely may say
 * `WireField<Record<string, any>>`; the shape stays the same.
 */
import type { ErrorCode } from './errors.js';
import type { WireRule } from './rules/rule-types.js';

/** A field as `GET /api/tables/:t` lists it. */
export interface WireField<O extends Record<string, unknown> = Record<string, unknown>> {
  id: string;
  key: string;
  label: string;
  type: string;
  options: O;
  required: boolean;
  unique: boolean;
  /** The default in wire form, or null. */
  default: unknown;
  searchable: boolean;
  position: number;
  /** Names the table's records (the table's primaryField). */
  primary: boolean;
}

/** A field as a create or change answers it: with the recompute job a computed field's change started. */
export type WireFieldSaved<O extends Record<string, unknown> = Record<string, unknown>> = WireField<O> & { job?: string };

/** A field to create (`POST …/fields`) or change (`PATCH …/fields/:f`; absent keys keep their value). */
export type WireFieldBody = Partial<
  Pick<WireField, 'key' | 'label' | 'type' | 'options' | 'required' | 'unique' | 'default' | 'searchable' | 'position'>
>;

/** One value a type change cannot convert: the record, its value now (old type, wire form) and why. */
export interface WireLostValue {
  id: string;
  value: unknown;
  code: string;
  reason: string;
}

/** `PATCH …/fields/:f?dryRun=true` with a new type (docs/type-changes.md): counts over live records. */
export interface WireTypeChangeDryRun {
  dryRun: true;
  /** The field's key. */
  field: string;
  from: string;
  to: string;
  /** The options the change would give the field (carried choices, the previous type's, or the new type's defaults). */
  options: Record<string, unknown>;
  total: number;
  convertible: number;
  lost: number;
  empty: number;
  /** At most 10. */
  examples: WireLostValue[];
  /** Text → select: values that are not choices. */
  missingChoices?: string[];
  /** A unique field: converted values that would repeat (the change would be refused). */
  duplicates?: { value: unknown; count: number }[];
  /** Going back to the previous type: how many records get their earlier value back (part of `convertible`). */
  restored?: number;
}

/** A long job (type change, recompute) as `GET /api/jobs/:id` answers it. */
export interface WireJob<R = unknown> {
  id: string;
  kind: string;
  state: 'queued' | 'running' | 'done' | 'failed';
  done: number;
  /** Null while not yet counted. */
  total: number | null;
  error: { code: string; message: string; details?: unknown } | null;
  /** Filled when the job is done (a type change: its counts and examples). */
  result?: R;
  createdAt: string;
  updatedAt: string;
}

export interface WireTable<F extends WireField<any> = WireField> {
  id: string;
  key: string;
  label: string;
  /** The key of the field that names records, or null. */
  primaryField: string | null;
  position: number;
  fields: F[];
}

export interface WireRecord<D extends Record<string, unknown> = Record<string, unknown>> {
  id: string;
  version: number;
  /** Field key → wire value; a computed field's cell error is `{error, message}`. */
  data: D;
  owner: string | null;
  createdAt: string;
  updatedAt: string;
  /** Set in the trash only. */
  deletedAt?: string;
  /** With ?expand: link field key → the linked records, named by their primary value. */
  expanded?: Record<string, WireLinkedRef[]>;
}

/** A linked record as `expand` gives it; `name` only when the reader may read it. */
export interface WireLinkedRef {
  id: string;
  /** The linked record's primary value, in wire form. */
  name?: unknown;
  readable: boolean;
}

/** A page of records (`GET …/records`, `POST …/records/query`, `GET …/trash`). */
export interface WireRecordList<R extends WireRecord<any> = WireRecord> {
  items: R[];
  /** Null when counting would cost too much; an estimate when totalIsEstimate. */
  total: number | null;
  totalIsEstimate: boolean;
  /** Pass as `after` for the next page; null on the last. */
  nextCursor: string | null;
}

/** One change of a record as its history lists it (newest first). */
export interface WireHistoryEvent {
  id: string;
  at: string;
  version: number;
  action: string;
  user: { id: string; name: string | null } | null;
  /** Field key → the value before and after, in wire form. */
  changes: Record<string, { from: unknown; to: unknown }>;
}

export interface CardLayoutSection {
  title: string;
  /** 1 to 4. */
  columns: number;
  /** Field keys. */
  fields: string[];
}

export interface CardLayoutTab {
  title: string;
  sections: CardLayoutSection[];
}

/** `…/layouts/card`: tabs → sections → field keys, and links shown as sub-tables. */
export interface CardLayoutSpec {
  tabs: CardLayoutTab[];
  subtables: { field: string }[];
}

export interface LayoutColumn {
  field: string;
  width?: number;
}

/** `…/layouts/table`: the grid's columns, in order, with their widths. */
export interface TableLayoutSpec {
  columns: LayoutColumn[];
  /** Columns kept in view while scrolling sideways. */
  frozen?: number;
}

/** A saved view of a table: a filter, a sort and optionally its own columns. */
export interface WireView {
  id: string;
  name: string;
  /** A filter as `POST …/records/query` takes it. */
  filter: unknown;
  /** Comma-separated field keys, `-` for descending. */
  sort: string | null;
  columns: LayoutColumn[] | null;
  /** Seen by everyone who may read the table (changed only with `manage settings`), or its author's alone (ADR 0010). */
  shared?: boolean;
}

/** `GET /api/workspace`: what every signed-in user may read of the workspace's settings. */
export interface WireWorkspace {
  name: string;
  /** ISO 4217: new money fields and amounts typed without a code. */
  baseCurrency: string;
  /** IANA: the day relative dates and date filters mean. */
  timeZone: string;
  /** BCP 47: how values are shown and read. */
  locale: string;
}

export interface WireUser {
  id: string;
  email: string;
  name: string;
  /** Role names. */
  roles: string[];
  /** Group names. */
  groups: string[];
  attributes: Record<string, unknown>;
  active: boolean;
}

export interface WireRole {
  id: string;
  name: string;
  /** Shipped with the product; its name cannot change. */
  builtin: boolean;
  /** Users holding it. */
  users: number;
  rules: WireRule[];
  updatedAt: string;
}

export interface WireGroup {
  id: string;
  name: string;
  members: number;
}

/** Every error answer: a code of the closed set, a sentence, and details per code. */
export interface WireErrorBody {
  error: {
    code: ErrorCode;
    message: string;
    /** VALIDATION_FAILED: `{<field key or path>: {code, message}}`. */
    details?: unknown;
  };
}
