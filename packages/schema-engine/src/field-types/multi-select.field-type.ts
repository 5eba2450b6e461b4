/**
 * Multi select: a set of the field's choices. Wire: an array of choice values without
 * duplicates (`["a","b"]`); stored: a JSON array of choice ids in the order given; an
 * empty array is empty (null). Operators, all over jsonb with bound text[] parameters:
 * - `contains`: has this value, or all of these values (`?&`)
 * - `in`: has any of these values (`?|`); `nin`: has none of them
 * - `eq`: exactly this set (`@>` both ways); `ne`: not exactly this set
 * - `isEmpty` / `isNotEmpty`
 * Not sortable, not unique, not searchable (the slot text holds ids).
 */
import { ValueError } from '../errors.js';
import { MAX_IN_VALUES } from '../query/filter-compiler.js';
import { slotJson } from '../query/sql-builder.js';
import type { FieldMeta, FieldTypeDef } from '../types.js';
import { choiceId, choiceValue, parseChoiceOptions, type ChoiceOptions } from './choices.js';

function idsOf(input: unknown, field: FieldMeta, allowSingle: boolean): string[] {
  const list = allowSingle && typeof input === 'string' ? [input] : input;
  if (!Array.isArray(list)) throw new ValueError('NOT_A_LIST', 'must be an array of choice values');
  if (list.length > MAX_IN_VALUES) throw new ValueError('TOO_MANY_VALUES', `at most ${MAX_IN_VALUES} values`);
  const ids = list.map((v) => choiceId(v, field.options));
  const seen = new Set<string>();
  ids.forEach((id, i) => {
    if (seen.has(id)) throw new ValueError('DUPLICATE_VALUE', `"${String(list[i]).slice(0, 100)}" is given twice`);
    seen.add(id);
  });
  return ids;
}

/** True when the slot holds a non-empty array (SQL NULL and JSON null count as empty). */
function notEmpty(e: string): string {
  return `COALESCE(jsonb_typeof(${e}) = 'array' AND ${e} <> '[]'::jsonb, FALSE)`;
}

export const multiSelectFieldType: FieldTypeDef<ChoiceOptions> = {
  type: 'multiSelect',
  computed: false,
  derived: false,
  formulaType: () => ({ type: 'text' }),
  sortable: false,
  canBePrimary: false,
  searchable: false,
  canBeUnique: false,
  operators: ['contains', 'in', 'nin', 'eq', 'ne', 'isEmpty', 'isNotEmpty'],
  sqlKind: 'jsonb',
  parseOptions: (raw, previous) => parseChoiceOptions(raw, previous),
  coerce: (input, field) => idsOf(input, field, false),
  /** Deleted choices drop out. */
  toWire(stored, field) {
    if (!Array.isArray(stored)) return [];
    return stored.map((id) => choiceValue(id, field.options)).filter((v): v is string => v !== undefined);
  },
  sqlExpr: (field, alias) => `(${slotJson(alias, field.slot)})`,
  filterOperand: (value, field) => choiceId(value, field.options),
  compileOp(op, value, field, alias, sql) {
    const e = `(${slotJson(alias, field.slot)})`;
    switch (op) {
      case 'isEmpty':
        return `NOT ${notEmpty(e)}`;
      case 'isNotEmpty':
        return notEmpty(e);
      case 'contains': {
        const ids = idsOf(value, field, true);
        return ids.length ? `COALESCE(${e} ?& ${sql.param(ids, 'text[]')}, FALSE)` : 'TRUE';
      }
      case 'in':
      case 'nin': {
        const ids = idsOf(value, field, true);
        const any = ids.length ? `COALESCE(${e} ?| ${sql.param(ids, 'text[]')}, FALSE)` : 'FALSE';
        return op === 'in' ? any : `NOT ${any}`;
      }
      case 'eq':
      case 'ne': {
        const ids = idsOf(value, field, false);
        let same = `NOT ${notEmpty(e)}`; // exactly the empty set
        if (ids.length) {
          const p = sql.param(JSON.stringify(ids), 'jsonb');
          same = `COALESCE(${e} @> ${p} AND ${e} <@ ${p}, FALSE)`;
        }
        return op === 'eq' ? same : `NOT ${same}`;
      }
      default:
        throw new ValueError('INVALID_OPERATOR', `${op} does not apply to multiple choices`);
    }
  },
  format: (wire) => (Array.isArray(wire) ? wire.filter((v) => typeof v === 'string').join(', ') : ''),
};
