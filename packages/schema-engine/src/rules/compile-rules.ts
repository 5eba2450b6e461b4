/**
 * A user's rules → what they may do to one table: one row scope as a filter tree (compiled
 * by the same compiler as user filters, so lists, counts, single records and write checks
 * agree), and the fields they may use.
 *
 * - A rule applies when its action is the action or `manage`, and its subject the table or
 *   `all`.
 * - Row scope = (OR of the `can` rules' conditions) AND NOT (OR of the `cannot` rules'
 *   conditions). A `cannot` wins whatever the order of the rules (CASL would let a later
 *   `can` override an earlier `cannot`; across several roles "deny wins" is the
 *   predictable rule, and the CASL rules given to the UI put every `cannot` last, which
 *   makes CASL agree).
 * - A `cannot` rule with fields hides those fields and leaves the rows alone.
 * - Field rights are per table, not per row: a field is usable when it is usable on every
 *   row in the scope. With an unconditional `can` rule that is the union of the
 *   unconditional rules' fields; with only conditional rules, their intersection. So
 *   "read everyone's names" + "read my own clients" gives names only, on every row, rather
 *   than leaking the other fields of someone else's client.
 */
import type { TableMeta, ValueContext } from '../types.js';
import { liveRule } from './live-rules.js';
import { leafToFilter, resolveConditions, type ResolvedLeaf } from './resolve-conditions.js';
import { actionCovers, type RuleUser, type StoredRule } from './rule-types.js';

export type FilterNode = Record<string, unknown>;

export const TRUE_NODE: FilterNode = { and: [] };
export const FALSE_NODE: FilterNode = { or: [] };

export interface TableRights {
  /** Some rule grants the action on this table, and no unconditional `cannot` takes it away. */
  allowed: boolean;
  /** Row scope as a filter tree; undefined: every row. */
  scope: FilterNode | undefined;
  /** Whether a field (by id) may be used (read, or written for a write action). */
  field(fieldId: string): boolean;
}

export function rulesFor(rules: readonly StoredRule[], action: string, subject: string): StoredRule[] {
  return rules.filter((r) => actionCovers(r.action, action) && (r.subject === subject || r.subject === 'all'));
}

function uniq(nodes: FilterNode[]): FilterNode[] {
  const seen = new Set<string>();
  return nodes.filter((n) => {
    const k = JSON.stringify(n);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

export function anyOf(nodes: FilterNode[]): FilterNode {
  const u = uniq(nodes);
  return u.length === 1 ? u[0]! : { or: u };
}

export function allOf(nodes: FilterNode[]): FilterNode {
  const u = uniq(nodes);
  return u.length === 1 ? u[0]! : { and: u };
}

/** Both scopes (undefined = every row). */
export function bothScopes(a: FilterNode | undefined, b: FilterNode | undefined): FilterNode | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return allOf([a, b]);
}

const leavesNode = (leaves: ResolvedLeaf[]): FilterNode => allOf(leaves.map((l) => leafToFilter(l) as FilterNode));

export function tableRights(
  rules: readonly StoredRule[],
  table: TableMeta,
  action: string,
  user: RuleUser,
  ctx: ValueContext,
): TableRights {
  // dangling field ids resolved as the wire form shows them (live-rules.ts)
  const applicable = rulesFor(rules, action, table.id)
    .map((r) => liveRule(r, table))
    .filter((r): r is StoredRule => !!r);
  const cans = applicable.filter((r) => !r.inverted);
  const cannots = applicable.filter((r) => r.inverted);
  const rowCannots = cannots.filter((r) => !r.fields);
  const allowed = cans.length > 0 && !rowCannots.some((r) => !r.conditions);

  // rows
  let scope: FilterNode | undefined;
  const canNodes: FilterNode[] = [];
  const everyRow: StoredRule[] = [];
  const someRows: StoredRule[] = [];
  let unconditional = false;
  for (const r of cans) {
    const res = resolveConditions(r, table, user, ctx);
    if (res.never) continue;
    if (res.leaves.length === 0) {
      unconditional = true;
      everyRow.push(r);
    } else {
      canNodes.push(leavesNode(res.leaves));
      someRows.push(r);
    }
  }
  const cannotNodes: FilterNode[] = [];
  let deniedAll = false;
  for (const r of rowCannots) {
    const res = resolveConditions(r, table, user, ctx);
    if (res.never) continue;
    if (res.leaves.length === 0) deniedAll = true;
    else cannotNodes.push(leavesNode(res.leaves));
  }
  if (!allowed || deniedAll || (!unconditional && canNodes.length === 0)) scope = FALSE_NODE;
  else {
    const canPart = unconditional ? undefined : anyOf(canNodes);
    const cannotPart = cannotNodes.length ? { not: anyOf(cannotNodes) } : undefined;
    scope = bothScopes(canPart, cannotPart);
  }

  // fields: usable on every row of the scope
  let usable: Set<string> | 'all';
  const fieldsOf = (r: StoredRule): Set<string> | 'all' => (r.fields ? new Set(r.fields) : 'all');
  if (everyRow.length) {
    usable = new Set();
    for (const r of everyRow) {
      const f = fieldsOf(r);
      if (f === 'all') {
        usable = 'all';
        break;
      }
      for (const id of f) usable.add(id);
    }
  } else {
    let common: Set<string> | undefined;
    for (const r of someRows) {
      if (!r.fields) continue;
      const f = new Set(r.fields);
      common = common ? new Set([...common].filter((id) => f.has(id))) : f;
    }
    usable = common ?? 'all';
  }
  const hidden = new Set(cannots.flatMap((r) => r.fields ?? []));
  const finalUsable = usable;
  return {
    allowed,
    scope,
    field: (id) => !hidden.has(id) && (finalUsable === 'all' || finalUsable.has(id)),
  };
}

/**
 * Whether the rules allow an action on a subject that has no rows (settings, reports,
 * templates, a menu item). Only unconditional, field-less rules count: a conditional rule
 * on `all` (a manager's "records I own") grants nothing here.
 */
export function canSubject(rules: readonly StoredRule[], action: string, subject: string): boolean {
  const applicable = rulesFor(rules, action, subject).filter((r) => !r.conditions && !r.fields);
  return applicable.some((r) => !r.inverted) && !applicable.some((r) => r.inverted);
}
