/**
 * The designer's field-type registry, keyed by the same `type` as the schema engine's: one
 * file per type says how the UI shows, edits and reads typed or pasted text of that type.
 * What a type can do — computed, can be primary, unique or searchable, its sort and filter
 * operators — is not said here: it is read from the engine's registry
 * (`@tabula/schema-engine/wire`), the very flags the API enforces. Adding a type means
 * adding its module to the engine, then one file here (and its options editor in
 * design/options when it has options).
 */
import { fieldCapabilities, hasFieldType, type FieldCapabilities, type FilterOp } from '@tabula/schema-engine/wire';
import type { Field } from '../api/types';

export type { FilterOp };

export type Editor =
  | 'text'
  | 'longText'
  | 'number'
  | 'money'
  | 'percent'
  | 'boolean'
  | 'date'
  | 'dateTime'
  | 'duration'
  | 'select'
  | 'multiSelect'
  | 'user'
  | 'link'
  | 'attachment'
  | 'none';

/** Reading text: a wire value, or a message saying why it is not one. */
export type Parsed = { value: unknown } | { error: string };

/** A type's flags from the engine; sorting and filtering depend on the field (fieldTypes.sortable, .operators). */
export type TypeFlags = Pick<FieldCapabilities, 'computed' | 'canBePrimary' | 'searchable' | 'canBeUnique'>;

/** What only the UI knows of a type. */
export interface UIProps {
  type: string;
  label: string;
  /** One or two characters shown beside the field's name. */
  icon: string;
  group: 'Text' | 'Numbers' | 'Dates' | 'Choices' | 'Relations' | 'Computed' | 'Other';
  description: string;
  /** Has a meaningful default value (computed and relation types do not). */
  hasDefault: boolean;
  /** The operator a new filter condition on this type starts with (else the engine's first). */
  defaultOp?: FilterOp;
  editor: Editor;
  align: 'left' | 'right' | 'center';
  /** Column footers add these up. */
  summable: boolean;
  /** Part of the core API; the others are offered only when the server accepts them. */
  core: boolean;
  defaultOptions(): Record<string, any>;
  /** Display text of a wire value (never null: empty is ''). */
  format(value: any, field: Field): string;
  /** Typed or pasted text → wire value; '' means empty (null). */
  parse(text: string, field: Field, current?: any): Parsed;
  /** Wire value → text to edit or copy. */
  toText(value: any, field: Field): string;
}

export type UIFieldType = UIProps & TypeFlags;

/** What the designer assumes of a type the engine it was built with does not know: read-only, filtered by emptiness only. */
const UNKNOWN: Omit<FieldCapabilities, 'filterType'> = {
  computed: true,
  sortable: false,
  canBePrimary: false,
  searchable: false,
  canBeUnique: false,
  operators: ['isEmpty', 'isNotEmpty'],
};

/** The engine's capabilities of a field (its type's flags; sort and filter those of the type it delegates to). */
export function capabilities(field: { type: string; options?: Record<string, unknown> }): FieldCapabilities {
  return hasFieldType(field.type) ? fieldCapabilities(field) : { ...UNKNOWN, filterType: field.type };
}

export function isEmpty(v: unknown): boolean {
  return v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0);
}

/** Defaults shared by most types; each type file overrides what differs. The flags come from the engine. */
export function base(p: Partial<UIProps> & Pick<UIProps, 'type' | 'label' | 'icon' | 'group' | 'description'>): UIFieldType {
  const { computed, canBePrimary, searchable, canBeUnique } = capabilities({ type: p.type });
  return {
    hasDefault: true,
    editor: 'text',
    align: 'left',
    summable: false,
    core: true,
    defaultOptions: () => ({}),
    format: (v) => (isEmpty(v) ? '' : String(v)),
    parse: (t) => ({ value: t === '' ? null : t }),
    toText: (v) => (isEmpty(v) ? '' : String(v)),
    ...p,
    computed,
    canBePrimary,
    searchable,
    canBeUnique,
  };
}
