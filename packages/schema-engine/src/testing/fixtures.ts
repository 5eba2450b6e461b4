/** Test fixtures (not built): a fixed clock, fields of every type, a table holding them. */
import '../field-types/all.js';
import { ValueError } from '../errors.js';
import { getFieldType } from '../registry.js';
import type { FieldMeta, TableMeta, ValueContext } from '../types.js';

export const TABLE_ID = '0192f0c1-0000-7000-8000-000000000001';
export const WORKSPACE_ID = '0192f0c1-0000-7000-8000-0000000000aa';

export const ctx: ValueContext = {
  today: () => '2026-11-26',
  now: () => new Date('2026-11-26T10:00:00.000Z'),
};

export const CHOICES = { choices: [{ value: 'vip', color: '#FF0000' }, { value: 'regular', color: 'green' }, { value: 'gone' }] };

let n = 0;
export function makeField(type: string, options: unknown = undefined, over: Partial<FieldMeta> = {}): FieldMeta {
  n++;
  return {
    id: `fld-${n}`,
    tableId: TABLE_ID,
    key: over.key ?? type.toLowerCase(),
    label: type,
    type,
    slot: over.slot ?? `f${n}`,
    options: getFieldType(type).parseOptions(options),
    required: false,
    unique: false,
    defaultValue: null,
    searchable: false,
    position: n,
    ...over,
  };
}

/** One field per type, slots f1…: keys are the type names in snake case. */
export function makeTable(): TableMeta {
  const spec: [string, string, unknown, Partial<FieldMeta>?][] = [
    ['name', 'text', { maxLength: 100 }, { searchable: true }],
    ['notes', 'longText', undefined],
    ['qty', 'number', { scale: 2 }],
    ['price', 'money', { currency: 'EUR' }],
    ['amount', 'money', { currency: null }],
    ['rate', 'percent', { scale: 1 }],
    ['active', 'boolean', undefined],
    ['due', 'date', undefined],
    ['at', 'dateTime', undefined],
    ['spent', 'duration', undefined],
    ['status', 'select', CHOICES],
    ['tags', 'multiSelect', CHOICES],
    ['email', 'email', undefined, { searchable: true }],
    ['phone', 'phone', undefined],
    ['site', 'url', undefined],
    ['assignee', 'user', undefined],
  ];
  const fields = spec.map(([key, type, options, over], i) =>
    makeField(type, options, { key, slot: `f${i + 1}`, id: `fld-${key}`, position: i, ...over }),
  );
  return { id: TABLE_ID, workspaceId: WORKSPACE_ID, key: 'probe', label: 'Probe', primaryFieldId: 'fld-name', position: 0, fields };
}

/** The issue code of the ValueError `fn` throws, or "(accepted)". */
export function issueOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof ValueError) return e.issue;
    throw e;
  }
  return '(accepted)';
}
