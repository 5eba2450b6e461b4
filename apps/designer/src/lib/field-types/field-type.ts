/**
 * The designer's field-type registry, keyed by the same `type` as the schema engine's:
 * one file per type says how the UI shows, edits, reads typed or pasted text, filters and
 * sums values of that type. Adding a type means adding one file here (and its options
 * editor in design/options when it has options).
 */
import type { Field } from '../api/types';

export type FilterOp = 'eq' | 'ne' | 'lt' | 'lte' | 'gt' | 'gte' | 'in' | 'nin' | 'contains' | 'startsWith' | 'isEmpty' | 'isNotEmpty' | 'between';

export type Editor = 'text' | 'longText' | 'number' | 'money' | 'percent' | 'boolean' | 'date' | 'dateTime' | 'duration' | 'select' | 'multiSelect' | 'user' | 'link' | 'attachment' | 'none';

/** Reading text: a wire value, or a message saying why it is not one. */
export type Parsed = { value: unknown } | { error: string };

export interface UIFieldType {
  type: string;
  label: string;
  /** One or two characters shown beside the field's name. */
  icon: string;
  group: 'Text' | 'Numbers' | 'Dates' | 'Choices' | 'Relations' | 'Computed' | 'Other';
  description: string;
  computed: boolean;
  sortable: boolean;
  canBePrimary: boolean;
  /** May be marked searchable. */
  searchable: boolean;
  canBeUnique: boolean;
  /** Has a meaningful default value (computed and relation types do not). */
  hasDefault: boolean;
  operators: FilterOp[];
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

export const ORDERED_OPS: FilterOp[] = ['eq', 'ne', 'lt', 'lte', 'gt', 'gte', 'between', 'in', 'nin', 'isEmpty', 'isNotEmpty'];
export const TEXT_OPS: FilterOp[] = ['contains', 'eq', 'ne', 'startsWith', 'in', 'nin', 'isEmpty', 'isNotEmpty', 'lt', 'lte', 'gt', 'gte'];
export const EQUALITY_OPS: FilterOp[] = ['eq', 'ne', 'in', 'nin', 'isEmpty', 'isNotEmpty'];

export function isEmpty(v: unknown): boolean {
  return v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0);
}

/** Defaults shared by most types; each type file overrides what differs. */
export function base(p: Partial<UIFieldType> & Pick<UIFieldType, 'type' | 'label' | 'icon' | 'group' | 'description'>): UIFieldType {
  return {
    computed: false,
    sortable: true,
    canBePrimary: false,
    searchable: false,
    canBeUnique: false,
    hasDefault: true,
    operators: EQUALITY_OPS,
    editor: 'text',
    align: 'left',
    summable: false,
    core: true,
    defaultOptions: () => ({}),
    format: (v) => (isEmpty(v) ? '' : String(v)),
    parse: (t) => ({ value: t === '' ? null : t }),
    toText: (v) => (isEmpty(v) ? '' : String(v)),
    ...p,
  };
}
