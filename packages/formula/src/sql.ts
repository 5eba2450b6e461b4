/**
 * Formulas as SQL: a formula whose every node has an exact PostgreSQL `numeric` twin — number,
 * percent and money fields, number literals, `+ - *`, unary minus, ROUND(x[, n]) with a
 * literal n in 0…20 — becomes SQL, so that a whole table can be recomputed inside the
 * database, without its rows travelling to the evaluator and back.
 *
 * Exactness, row by row: `numeric` arithmetic is exact; the evaluator's is exact as long as
 * every value it makes has at most 20 significant digits (LIMITS.resultDigits: beyond that
 * results are rounded when observed) and no sum cancels its operands (operators.ts
 * `cancel`). The SQL therefore comes with a guard per row: every step within 20
 * significant digits, no cancelling sum, every input present, and a result that is not
 * zero (decimal.js has a negative zero). A row the guard refuses is the evaluator's, so the
 * stored value is the same on both paths. Division, comparisons and every other function
 * are not compiled (the whole formula stays with the evaluator).
 *
 * The storage is not known here: `input(fieldId, type)` gives the SQL of a field's value
 * as `numeric` (NULL when blank or not a plain decimal), or null to refuse the field.
 */
import { check, type Node } from './checker.js';
import { isDec } from './decimal.js';
import { LIMITS } from './limits.js';
import { parse } from './parser.js';
import { tokenize } from './tokenizer.js';
import type { FormulaFieldInfo, FormulaSchema } from './types.js';

export interface SqlFormula {
  /** `CROSS JOIN LATERAL (SELECT … AS v) s1 …`, in order: one per step of the formula. */
  laterals: string;
  /** The result, `numeric`, valid where `guard` holds. */
  value: string;
  /** SQL boolean: the row's result is exactly the evaluator's. */
  guard: string;
  type: 'number' | 'money';
  /** Money: the result's currency (a fixed one: the checker refuses mixing them). */
  currency?: string;
  /** The field ids read. */
  fields: string[];
}

const MAX_ROUND_DIGITS = 20;
const DIGITS = LIMITS.resultDigits;

/** SQL: at most DIGITS significant digits (integer zeros counted: a conservative test). */
function within(v: string): string {
  return `length(ltrim(replace(trim_scale(abs(${v}))::text, '.', ''), '0')) <= ${DIGITS}`;
}

/**
 * The SQL of a formula in its stored form (fields as `{id}`), or null when some part of it
 * has no exact SQL twin. `input` gives a field's value as numeric SQL over the row.
 */
export function formulaToSql(stored: string, schema: FormulaSchema, input: (field: FormulaFieldInfo) => string | null): SqlFormula | null {
  let root: Node;
  try {
    const r = check(parse(tokenize(String(stored), true)), schema, true);
    if (r.volatile || r.aggregates.length) return null;
    root = r.root;
  } catch {
    return null;
  }
  if (root.t.type !== 'number' && root.t.type !== 'money') return null;
  if (root.t.type === 'money' && (typeof root.t.currency !== 'string' || !/^[A-Z]{3}$/.test(root.t.currency))) return null;
  const byId = new Map(schema.fields.map((f) => [f.id, f]));
  const laterals: string[] = [];
  const guards: string[] = [];
  const fields = new Set<string>();
  const step = (sql: string): string => {
    const name = `s${laterals.length + 1}`;
    laterals.push(`CROSS JOIN LATERAL (SELECT ${sql} AS v) ${name}`);
    guards.push(within(`${name}.v`));
    return `${name}.v`;
  };
  const numericType = (n: Node): boolean => n.t.type === 'number' || (n.t.type === 'money' && typeof n.t.currency === 'string');
  const walk = (n: Node): string | null => {
    if (!numericType(n)) return null;
    switch (n.k) {
      case 'const': {
        if (!isDec(n.value) || !n.value.isFinite()) return null;
        const text = n.value.toFixed();
        return /^-?[0-9]+(\.[0-9]+)?$/.test(text) ? step(`${text}::numeric`) : null;
      }
      case 'field': {
        const f = byId.get(n.id);
        if (
          !f ||
          !(f.type === 'number' || f.type === 'percent' || (f.type === 'money' && n.t.type === 'money' && typeof n.t.currency === 'string'))
        )
          return null;
        const sql = input(f);
        if (sql === null) return null;
        fields.add(f.id);
        const v = step(sql);
        guards.push(`${v} IS NOT NULL`);
        return v;
      }
      case 'unary': {
        const a = walk(n.arg);
        if (a === null) return null;
        return n.op === '+' ? a : step(`-${a}`);
      }
      case 'binary': {
        if (n.op !== '+' && n.op !== '-' && n.op !== '*') return null;
        const lm = n.left.t.type === 'money';
        const rm = n.right.t.type === 'money';
        // money ± money of one currency, money × number; never money × money or money ± number
        if (n.op === '*' ? lm && rm : lm !== rm) return null;
        const a = walk(n.left);
        const b = walk(n.right);
        if (a === null || b === null) return null;
        const r = step(`${a} ${n.op} ${b}`);
        if (n.op !== '*') guards.push(`(${r} = 0 OR abs(${r}) * 1e${DIGITS} >= greatest(abs(${a}), abs(${b})))`);
        return r;
      }
      case 'call': {
        if (n.fn.name !== 'ROUND' || n.args.length < 1 || n.args.length > 2) return null;
        let digits = 0;
        if (n.args.length === 2) {
          const d = n.args[1]!;
          if (d.k !== 'const' || !isDec(d.value) || !d.value.isInteger()) return null;
          digits = d.value.toNumber();
          if (digits < 0 || digits > MAX_ROUND_DIGITS) return null;
        }
        const a = walk(n.args[0]!);
        if (a === null) return null;
        return step(`round(${a}, ${digits})`);
      }
      default:
        return null;
    }
  };
  const value = walk(root);
  if (value === null) return null;
  guards.push(`${value} <> 0`);
  const out: SqlFormula = { laterals: laterals.join(' '), value, guard: guards.join(' AND '), type: root.t.type, fields: [...fields] };
  if (root.t.type === 'money') out.currency = root.t.currency as string;
  return out;
}
