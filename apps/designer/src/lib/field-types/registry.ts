/**
 * All field types the designer knows, by `type`; an unknown type shows as plain text. What a
 * field can do comes from the engine's registry (field-type.ts): `sortable` and `operators`
 * are asked per field, since a formula sorts and filters as its result type.
 */
import { attachment } from './attachment';
import { boolean } from './boolean';
import { autonumber, formula, lookup, rollup, formatAny } from './computed';
import { date } from './date';
import { dateTime } from './date-time';
import { duration } from './duration';
import { base, capabilities, type FilterOp, type UIFieldType } from './field-type';
import type { Field } from '../api/types';
import { link } from './link';
import { longText } from './long-text';
import { money } from './money';
import { number } from './number';
import { percent } from './percent';
import { multiSelect, select } from './select';
import { text } from './text';
import { user } from './user';
import { email, phone, url } from './validated-text';

const ALL: UIFieldType[] = [
  text,
  longText,
  email,
  phone,
  url,
  number,
  money,
  percent,
  duration,
  date,
  dateTime,
  boolean,
  select,
  multiSelect,
  user,
  link,
  lookup,
  rollup,
  formula,
  autonumber,
  attachment,
];

const byType = new Map<string, UIFieldType>();
for (const t of ALL) {
  if (byType.has(t.type)) throw new Error(`field type ${t.type} registered twice`);
  byType.set(t.type, t);
}

function unknownType(type: string): UIFieldType {
  return base({
    type,
    label: type,
    icon: '?',
    group: 'Other',
    description: 'A type this version of the designer does not know',
    format: formatAny,
    toText: formatAny,
    editor: 'none',
  });
}

export const fieldTypes = {
  all: ALL,
  get(type: string): UIFieldType {
    return byType.get(type) ?? unknownType(type);
  },
  has(type: string): boolean {
    return byType.has(type);
  },
  /** Whether the API sorts by this field. */
  sortable(field: Pick<Field, 'type' | 'options'>): boolean {
    return capabilities(field).sortable;
  },
  /** The filter operators the API accepts for this field, the type's preferred one first. */
  operators(field: Pick<Field, 'type' | 'options'>): FilterOp[] {
    const caps = capabilities(field);
    const first = byType.get(caps.filterType)?.defaultOp;
    const ops = [...caps.operators];
    return first && ops.includes(first) ? [first, ...ops.filter((op) => op !== first)] : ops;
  },
};
