/**
 * A role's rules after tables and fields are deleted, so that no rule keeps an id that
 * resolves to nothing (issue 12, item 6). Rules are by id: a field re-created later with
 * the same key is a new field that no old rule names.
 *
 * What a deletion may do to a rule without an administrator deciding:
 * - a rule whose subject is a deleted table goes: it can grant or deny nothing any more;
 * - a deleted field leaves `fields`; a `cannot` rule left with no field goes (it hid only
 *   what is gone).
 * What it may not do, so the deletion is refused and these rules are listed (`blockers`):
 * - a condition naming the field (either polarity): without it a `cannot` rule would deny
 *   more or — dropped — less, and a `can` rule would grant nothing; the administrator
 *   rewrites the rule first;
 * - a `can` rule left with no field: dropping it changes which fields every row of the
 *   table shows (field rights are per table, ADR 0006), so it is not done silently.
 */
import type { TableMeta } from '../types.js';
import type { StoredRule } from './rule-types.js';

export interface SchemaRemoval {
  /** Ids of the tables deleted. */
  tables: readonly string[];
  /** Ids of the fields deleted with them or alone (a link and its inverse both). */
  fields: readonly string[];
}

export interface RuleBlocker {
  /** The rule's index in the role's stored list (as `rules[i]` in validation errors). */
  index: number;
  fieldId: string;
  /** `condition`: a condition names the field; `lastField`: a `can` rule would be left with no field. */
  reason: 'condition' | 'lastField';
}

export interface RulesAfterRemoval {
  rules: StoredRule[];
  /** Whether `rules` differs from the input. */
  changed: boolean;
  /** Rules that refuse the deletion; when any, `rules` must not be stored. */
  blockers: RuleBlocker[];
}

/** `tables` is the schema before the deletion. */
export function rulesAfterRemoval(rules: readonly StoredRule[], tables: readonly TableMeta[], removal: SchemaRemoval): RulesAfterRemoval {
  const goneTables = new Set(removal.tables);
  const goneFields = new Set(removal.fields);
  const out: StoredRule[] = [];
  const blockers: RuleBlocker[] = [];
  let changed = false;
  rules.forEach((rule, index) => {
    if (goneTables.has(rule.subject)) {
      changed = true;
      return;
    }
    for (const key of Object.keys(rule.conditions ?? {}))
      if (goneFields.has(key)) blockers.push({ index, fieldId: key, reason: 'condition' });
    const named = (rule.fields ?? []).filter((id) => goneFields.has(id));
    if (!named.length) return void out.push(rule);
    changed = true;
    const table = tables.find((t) => t.id === rule.subject);
    const rest = rule.fields!.filter((id) => !goneFields.has(id) && !!table?.fields.some((f) => f.id === id));
    if (rest.length) out.push({ ...rule, fields: rest });
    else if (!rule.inverted) for (const fieldId of named) blockers.push({ index, fieldId, reason: 'lastField' });
  });
  return { rules: out, changed, blockers };
}
