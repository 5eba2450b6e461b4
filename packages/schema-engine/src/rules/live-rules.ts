/**
 * Rules as the gate enforces them today: references to tables and fields that no longer
 * exist resolved away, one definition for compilation, the wire form (GET /api/roles,
 * GET /api/config) and the UI's CASL rules, so what an administrator reads is exactly what
 * is enforced, and reading a role back and saving it changes nothing.
 *
 * Deleting a field or table rewrites the rules that name it (rules-after-removal.ts), so
 * dangling ids come only from databases written before that; they are resolved here on
 * every read rather than by a migration, which keeps one code path and needs no rewrite of
 * stored rows. Each case keeps what the rule enforced, or only narrows it:
 * - a rule on a deleted table applies to nothing: dropped;
 * - deleted ids leave `fields`; a rule left with no field is dropped (a `cannot` then hid
 *   nothing; a `can` only granted a field-less view of the rows, and dropping a grant takes
 *   access away, never adds it);
 * - a condition on a deleted field cannot be decided and fails closed by polarity (ADR
 *   0006): a `can` rule matches no row and is dropped, a `cannot` rule matches as if that
 *   comparison held — it keeps its other conditions, and with none left denies every row.
 */
import type { TableMeta } from '../types.js';
import { isSpecialSubject, isSystemConditionKey, type RuleConditions, type StoredRule } from './rule-types.js';

/**
 * One stored rule against its subject table (undefined: the table is gone), or undefined
 * when the rule no longer applies to anything. A rule with nothing dangling is returned as is.
 */
export function liveRule(rule: StoredRule, table: TableMeta | undefined): StoredRule | undefined {
  if (isSpecialSubject(rule.subject)) return rule;
  if (!table || table.id !== rule.subject) return undefined;
  const has = (id: string) => table.fields.some((f) => f.id === id);
  let out = rule;
  if (rule.fields && !rule.fields.every(has)) {
    const fields = rule.fields.filter(has);
    if (!fields.length) return undefined;
    out = { ...out, fields };
  }
  if (rule.conditions) {
    const dead = Object.keys(rule.conditions).filter((k) => !isSystemConditionKey(k) && !has(k));
    if (dead.length) {
      if (!rule.inverted) return undefined;
      const conditions: RuleConditions = {};
      for (const [k, v] of Object.entries(rule.conditions)) if (!dead.includes(k)) conditions[k] = v;
      const { conditions: _gone, ...rest } = out;
      out = Object.keys(conditions).length ? { ...rest, conditions } : rest;
    }
  }
  return out;
}

/** Every rule of a list against the workspace's tables (see liveRule). */
export function liveRules(rules: readonly StoredRule[], tables: readonly TableMeta[]): StoredRule[] {
  const out: StoredRule[] = [];
  for (const r of rules) {
    const live = liveRule(
      r,
      tables.find((t) => t.id === r.subject),
    );
    if (live) out.push(live);
  }
  return out;
}
