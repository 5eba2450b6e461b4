/**
 * A stored rule's conditions for one user: `$me`, `$me.<attribute>` and `$myGroups` are
 * replaced by the user's values, field ids by today's field keys, and the result is a
 * conjunction of concrete comparisons (CASL's subset has no OR inside a rule).
 *
 * What cannot be decided fails closed, by the rule's polarity: a comparison with an
 * attribute the user does not have, with a field that was deleted, or an ordering
 * comparison with a value the field cannot hold, makes a `can` rule match nothing and a
 * `cannot` rule match every row. Equality is exact instead: a value the field cannot hold
 * equals no stored value, so `$eq` is false, `$ne` true, and it drops out of `$in`/`$nin`.
 */
import type { FilterOp, TableMeta, ValueContext } from '../types.js';
import { isListTarget, operandOk, targetOfStoredKey, type ConditionTarget } from './condition-target.js';
import {
  hasOwn,
  ME,
  ME_ATTRIBUTE_RE,
  MY_GROUPS,
  type ConditionOp,
  type ConditionScalar,
  type RuleUser,
  type StoredRule,
} from './rule-types.js';
import { isPlainObject } from '../plain-object.js';

export interface ResolvedLeaf {
  target: ConditionTarget;
  /** Mongo operator (`$eq` … `$exists`) with a concrete value. */
  op: ConditionOp;
  value: ConditionScalar | ConditionScalar[];
}

/** `never`: the rule matches no row; otherwise the rule matches rows where every leaf holds (none: every row). */
export type ResolvedConditions = { never: true } | { never: false; leaves: ResolvedLeaf[] };

const UNRESOLVED = Symbol('unresolved');

/** The value a placeholder stands for; arrays for `$myGroups` and list attributes; UNRESOLVED when missing. */
function substitute(v: unknown, user: RuleUser): unknown {
  if (typeof v !== 'string' || !v.startsWith('$')) return v;
  if (v === ME) return user.id;
  if (v === MY_GROUPS) return [...user.groups];
  const m = ME_ATTRIBUTE_RE.exec(v);
  if (!m) return UNRESOLVED;
  const attrs = user.attributes ?? {};
  if (!hasOwn(attrs, m[1]!)) return UNRESOLVED;
  const a = attrs[m[1]!];
  if (typeof a === 'string' || typeof a === 'number' || typeof a === 'boolean') return a;
  if (Array.isArray(a) && a.every((x) => typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean')) return [...a];
  return UNRESOLVED;
}

/** A list operand: an array (elements may be placeholders) or a placeholder for a list. */
function substituteList(v: unknown, user: RuleUser): unknown[] | typeof UNRESOLVED {
  const s = substitute(v, user);
  if (s === UNRESOLVED) return UNRESOLVED;
  const list = Array.isArray(s) ? s : [s];
  const out: unknown[] = [];
  for (const x of list) {
    const y = substitute(x, user);
    if (y === UNRESOLVED || Array.isArray(y)) return UNRESOLVED;
    out.push(y);
  }
  return out;
}

export function resolveConditions(rule: StoredRule, table: TableMeta, user: RuleUser, ctx: ValueContext): ResolvedConditions {
  const leaves: ResolvedLeaf[] = [];
  const can = !rule.inverted;
  // an undecidable comparison: a can rule then matches nothing, a cannot rule every row
  let never = false;
  const undecided = () => {
    if (can) never = true;
  };
  for (const [key, value] of Object.entries(rule.conditions ?? {})) {
    const target = targetOfStoredKey(table, key);
    const ops: [string, unknown][] = isPlainObject(value) ? Object.entries(value) : [['$eq', value]];
    for (const [op, raw] of ops) {
      if (!target) {
        undecided();
        continue;
      }
      const r = resolveLeaf(target, op as ConditionOp, raw, user, ctx);
      if (r === 'undecided') undecided();
      else if (r === false) never = true;
      else if (r !== true) leaves.push(r);
    }
  }
  return never ? { never: true } : { never: false, leaves };
}

/** A leaf, or true (always holds: dropped), false (never holds), 'undecided' (fails closed). */
function resolveLeaf(
  t: ConditionTarget,
  op: ConditionOp,
  raw: unknown,
  user: RuleUser,
  ctx: ValueContext,
): ResolvedLeaf | boolean | 'undecided' {
  if (op === '$exists') return typeof raw === 'boolean' ? { target: t, op, value: raw } : 'undecided';
  let listOp: '$in' | '$nin' | undefined = op === '$in' || op === '$nin' ? op : undefined;
  let list: unknown[] | typeof UNRESOLVED | undefined;
  if (!listOp) {
    const v = substitute(raw, user);
    if (v === UNRESOLVED) return 'undecided';
    if (Array.isArray(v)) {
      // `$myGroups` or a list attribute compared for (in)equality: membership
      if (op === '$eq') listOp = '$in';
      else if (op === '$ne') listOp = '$nin';
      else return 'undecided';
      list = v;
    } else {
      if (!operandOk(t, v, ctx)) return op === '$eq' ? false : op === '$ne' ? true : 'undecided';
      if (isListTarget(t)) return 'undecided';
      return { target: t, op, value: v as ConditionScalar };
    }
  } else {
    list = substituteList(raw, user);
    if (list === UNRESOLVED) return 'undecided';
  }
  const values = [...new Set(list.filter((x) => operandOk(t, x, ctx)))] as ConditionScalar[];
  if (values.length === 0) return listOp === '$nin';
  return { target: t, op: listOp, value: values };
}

/** A resolved leaf as a node of the filter language (what compileFilter takes). */
export function leafToFilter(leaf: ResolvedLeaf): { field: string; op: FilterOp; value?: unknown } {
  const field = leaf.target.key;
  switch (leaf.op) {
    case '$exists':
      return { field, op: leaf.value === false ? 'isEmpty' : 'isNotEmpty' };
    case '$eq':
      return { field, op: 'eq', value: leaf.value };
    case '$ne':
      return { field, op: 'ne', value: leaf.value };
    case '$lt':
      return { field, op: 'lt', value: leaf.value };
    case '$lte':
      return { field, op: 'lte', value: leaf.value };
    case '$gt':
      return { field, op: 'gt', value: leaf.value };
    case '$gte':
      return { field, op: 'gte', value: leaf.value };
    case '$in':
      return { field, op: 'in', value: leaf.value };
    case '$nin':
      return { field, op: 'nin', value: leaf.value };
  }
}
