/**
 * A user's rules as CASL raw rules for the UI (which packs them with `packRules`): tables and
 * fields by key, placeholders replaced by the user's values, undecidable rules resolved
 * as the server resolves them (a `can` dropped, a `cannot` made unconditional), every
 * `cannot` after every `can` so that CASL's "last rule wins" agrees with the server's
 * "deny wins". Subjects are records as the UI holds them: field keys plus the system
 * fields (`id`, `owner`, …). Advisory only: the API never relies on it.
 */
import type { TableMeta, ValueContext } from '../types.js';
import { resolveConditions } from './resolve-conditions.js';
import { liveRules } from './live-rules.js';
import { type ConditionOp, type RuleUser, type StoredRule } from './rule-types.js';
import { subjectKey } from './validate-rules.js';

export interface CaslRawRule {
  action: string;
  subject: string;
  fields?: string[];
  conditions?: Record<string, Partial<Record<ConditionOp, unknown>>>;
  inverted?: boolean;
}

export function toCaslRules(rules: readonly StoredRule[], tables: readonly TableMeta[], user: RuleUser, ctx: ValueContext): CaslRawRule[] {
  const cans: CaslRawRule[] = [];
  const cannots: CaslRawRule[] = [];
  // deleted tables and fields resolved away as the server does (live-rules.ts)
  for (const r of liveRules(rules, tables)) {
    const table = tables.find((t) => t.id === r.subject);
    const out: CaslRawRule = { action: r.action, subject: table ? subjectKey(table) : r.subject };
    if (r.fields) out.fields = r.fields.map((id) => table!.fields.find((f) => f.id === id)!.key);
    if (r.conditions) {
      if (table || r.subject === 'all') {
        // `all` with conditions tests system fields only: any table resolves them alike
        const res = resolveConditions(
          r,
          table ?? { id: '', workspaceId: '', key: '', label: '', primaryFieldId: null, position: 0, fields: [] },
          user,
          ctx,
        );
        if (res.never) continue;
        if (res.leaves.length) {
          const c: Record<string, Partial<Record<ConditionOp, unknown>>> = {};
          for (const l of res.leaves) (c[l.target.key] ??= {})[l.op] = l.value;
          out.conditions = c;
        }
      }
    }
    if (r.inverted) {
      out.inverted = true;
      cannots.push(out);
    } else cans.push(out);
  }
  return [...cans, ...cannots];
}
