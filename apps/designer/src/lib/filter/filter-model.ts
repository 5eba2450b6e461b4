/**
 * The filter builder's model and its API form. The builder edits one group (all / any)
 * of conditions and sub-groups one level deep; `toApiFilter` gives
 * `{"and":[{"field","op","value"},{"or":[…]}]}` and `fromApiFilter` reads it back (a saved
 * view). Condition values stay in the builder's text form until sent, so half-typed input
 * never breaks the grid.
 */
import type { FilterOp, RelativeAnchor, RelativeUnit } from '@tabula/schema-engine/wire';
import type { Field, Table } from '../api/types';
import { fieldTypes } from '../field-types/registry';
import { readDecimal } from '../format/format';
import { fromPoints, toPoints } from '../field-types/percent';

export type Anchor = RelativeAnchor;
export type Unit = RelativeUnit;

export interface Condition {
  kind: 'condition';
  field: string;
  op: FilterOp;
  /** Text as typed, or a list for in/nin, or two texts for between. */
  value: string;
  value2: string;
  values: string[];
  relative: boolean;
  anchor: Anchor;
  offset: number;
  unit: Unit;
}

export interface Group {
  kind: 'group';
  conj: 'and' | 'or';
  items: (Condition | Group)[];
}

export const OP_LABELS: Record<FilterOp, string> = {
  eq: 'is',
  ne: 'is not',
  lt: 'less than',
  lte: 'at most',
  gt: 'more than',
  gte: 'at least',
  in: 'is any of',
  nin: 'is none of',
  contains: 'contains',
  startsWith: 'starts with',
  isEmpty: 'is empty',
  isNotEmpty: 'is not empty',
  between: 'between',
};

export const DATE_OP_LABELS: Partial<Record<FilterOp, string>> = {
  lt: 'before',
  lte: 'on or before',
  gt: 'after',
  gte: 'on or after',
  eq: 'on',
  ne: 'not on',
};

const ANCHOR_LABELS: Record<Anchor, string> = {
  today: 'today',
  startOfWeek: 'start of this week',
  startOfMonth: 'start of this month',
  endOfMonth: 'end of this month',
  startOfYear: 'start of this year',
};
/** The anchors of relative dates (every one the engine knows), in the order of the menu. */
export const ANCHORS: { value: Anchor; label: string }[] = (Object.keys(ANCHOR_LABELS) as Anchor[]).map((value) => ({
  value,
  label: ANCHOR_LABELS[value],
}));

export function isDateField(f: Field | undefined): boolean {
  return !!f && (f.type === 'date' || f.type === 'dateTime');
}

export function newCondition(t: Table, fieldKey?: string): Condition {
  const f = t.fields.find((x) => x.key === fieldKey) ?? t.fields.find((x) => x.primary) ?? t.fields[0];
  const ops: FilterOp[] = f ? fieldTypes.operators(f) : ['eq'];
  return {
    kind: 'condition',
    field: f?.key ?? '',
    op: ops[0],
    value: '',
    value2: '',
    values: [],
    relative: false,
    anchor: 'today',
    offset: 0,
    unit: 'day',
  };
}

export function emptyGroup(conj: 'and' | 'or' = 'and'): Group {
  return { kind: 'group', conj, items: [] };
}

const NO_VALUE: FilterOp[] = ['isEmpty', 'isNotEmpty'];

/** One typed value → its wire form for a filter of this field (errors become undefined). */
function operand(f: Field, text: string): unknown {
  const t = text.trim();
  if (t === '') return undefined;
  switch (f.type) {
    case 'number':
    case 'duration':
    case 'rollup':
    case 'formula': {
      if (f.type === 'duration') {
        const p = fieldTypes.get('duration').parse(t, f);
        return 'value' in p ? p.value : undefined;
      }
      const d = readDecimal(t);
      return d === null ? (f.type === 'formula' ? t : undefined) : Number(d);
    }
    case 'money': {
      const d = readDecimal(t.replace(/[A-Za-z€$£¥]/g, ''));
      return d ?? undefined;
    }
    case 'percent':
      return fromPoints(t) ?? undefined;
    case 'boolean':
      return t === 'true';
    case 'date':
    case 'dateTime': {
      const p = fieldTypes.get('date').parse(t, f);
      return 'value' in p ? p.value : undefined;
    }
    default:
      return t;
  }
}

function conditionToApi(t: Table, c: Condition): unknown | undefined {
  const f = t.fields.find((x) => x.key === c.field);
  if (!f) return undefined;
  if (NO_VALUE.includes(c.op)) return { field: c.field, op: c.op };
  if (isDateField(f) && c.relative && c.op !== 'in' && c.op !== 'nin' && c.op !== 'between') {
    const rel: Record<string, unknown> = { relative: c.anchor, offset: c.offset };
    if (c.unit !== 'day') rel.unit = c.unit;
    return { field: c.field, op: c.op, value: rel };
  }
  // records picked for a link are a list whatever the operator (eq on a link is "links to one of")
  if (c.op === 'in' || c.op === 'nin' || f.type === 'link') {
    const list = (c.values.length ? c.values : c.value.split(/[,;]/)).map((v) => operand(f, v)).filter((v) => v !== undefined);
    return list.length ? { field: c.field, op: c.op, value: list } : undefined;
  }
  if (c.op === 'between') {
    const a = operand(f, c.value);
    const b = operand(f, c.value2);
    return a !== undefined && b !== undefined ? { field: c.field, op: c.op, value: [a, b] } : undefined;
  }
  const v = operand(f, c.value);
  return v === undefined ? undefined : { field: c.field, op: c.op, value: v };
}

export function toApiFilter(t: Table, g: Group): unknown | undefined {
  const parts = g.items.map((it) => (it.kind === 'group' ? toApiFilter(t, it) : conditionToApi(t, it))).filter((x) => x !== undefined);
  if (!parts.length) return undefined;
  if (parts.length === 1) return parts[0];
  return { [g.conj]: parts };
}

/** How many conditions will actually filter (complete ones). */
export function activeCount(t: Table, g: Group): number {
  return g.items.reduce((n, it) => n + (it.kind === 'group' ? activeCount(t, it) : conditionToApi(t, it) !== undefined ? 1 : 0), 0);
}

function valueText(f: Field | undefined, v: unknown): string {
  if (v === null || v === undefined) return '';
  if (!f) return String(v);
  if (f.type === 'percent' && typeof v === 'number') return toPoints(v);
  if (f.type === 'boolean') return v ? 'true' : 'false';
  if (f.type === 'duration') return fieldTypes.get('duration').toText(v, f);
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** An API filter → the builder's model (best effort; unknown shapes are dropped). */
export function fromApiFilter(t: Table, raw: unknown): Group {
  const node = typeof raw === 'string' ? safeJson(raw) : raw;
  if (!node || typeof node !== 'object') return emptyGroup();
  const n = node as Record<string, any>;
  if (Array.isArray(n.and) || Array.isArray(n.or)) {
    const conj = Array.isArray(n.and) ? 'and' : 'or';
    const items = (n[conj] as unknown[]).map((x) => {
      const sub = x as Record<string, any>;
      if (Array.isArray(sub?.and) || Array.isArray(sub?.or)) return fromApiFilter(t, sub);
      return conditionFrom(t, sub);
    });
    return { kind: 'group', conj, items: items.filter((x): x is Condition | Group => !!x) };
  }
  const c = conditionFrom(t, n);
  return { kind: 'group', conj: 'and', items: c ? [c] : [] };
}

function conditionFrom(t: Table, n: Record<string, any>): Condition | null {
  if (!n || typeof n.field !== 'string' || typeof n.op !== 'string') return null;
  const f = t.fields.find((x) => x.key === n.field);
  const c = newCondition(t, n.field);
  c.op = n.op as FilterOp;
  const v = n.value;
  if (v && typeof v === 'object' && !Array.isArray(v) && 'relative' in v) {
    c.relative = true;
    c.anchor = v.relative;
    c.offset = Number(v.offset ?? 0);
    c.unit = v.unit ?? 'day';
  } else if (Array.isArray(v) && n.op === 'between') {
    c.value = valueText(f, v[0]);
    c.value2 = valueText(f, v[1]);
  } else if (Array.isArray(v)) {
    c.values = v.map((x) => valueText(f, x));
    c.value = c.values.join(', ');
  } else c.value = valueText(f, v);
  return c;
}

function safeJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
}
