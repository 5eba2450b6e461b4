/**
 * Static typing: the type of a field, of an operator's result and the unification of
 * branches. A rule returns a TypeInfo, or a string: the message of a FORMULA_ERROR.
 * `any` (a value whose type is only known at run time) passes every check; the runtime
 * then decides, and a mismatch becomes a cell error.
 */
import type { BinaryOp } from './parser.js';
import type { FormulaFieldInfo, TypeInfo, ValueType } from './types.js';

export const T: Readonly<Record<Exclude<ValueType, 'money'>, TypeInfo>> = {
  number: { type: 'number' },
  text: { type: 'text' },
  boolean: { type: 'boolean' },
  date: { type: 'date' },
  dateTime: { type: 'dateTime' },
  blank: { type: 'blank' },
  any: { type: 'any' },
};

export const money = (currency: string | null | undefined): TypeInfo => ({ type: 'money', currency: currency ?? null });

/** The static type of a field of the table (its field type's formulaType); 'link' for a link. */
export function fieldTypeInfo(f: FormulaFieldInfo): TypeInfo | 'link' {
  const t = f.formulaType;
  if (t.type === 'link') return 'link';
  return t.type === 'money' ? money(t.currency) : t;
}

export function describe(t: TypeInfo): string {
  if (t.type === 'money') return t.currency ? `money (${t.currency})` : 'money';
  return t.type;
}

/** Currencies of two money types: the fixed one they share, null (per value), or a clash. */
function sameCurrency(a: TypeInfo, b: TypeInfo, what: string): string | null | { clash: string } {
  if (a.currency && b.currency && a.currency !== b.currency) {
    return { clash: `cannot ${what} ${a.currency} and ${b.currency}: use CONVERT(value, "${a.currency}") first` };
  }
  return a.currency && b.currency ? a.currency : null;
}

/** The one type of values that may come from several branches (IF, IFS, SWITCH, MIN, …). */
export function unify(a: TypeInfo, b: TypeInfo): TypeInfo | string {
  if (a.type === 'blank') return b;
  if (b.type === 'blank') return a;
  if (a.type === 'any' || b.type === 'any') return T.any;
  if (a.type === 'money' && b.type === 'money') {
    const c = sameCurrency(a, b, 'mix');
    return typeof c === 'object' && c !== null ? c.clash : money(c);
  }
  if ((a.type === 'money' && b.type === 'number') || (a.type === 'number' && b.type === 'money')) {
    const m = a.type === 'money' ? a : b;
    if (m.currency) return m;
    return 'cannot mix a number with money of a per-value currency: the number has no currency (use BLANK() or a money value)';
  }
  if (a.type === b.type) return a;
  if ((a.type === 'date' && b.type === 'dateTime') || (a.type === 'dateTime' && b.type === 'date')) return T.dateTime;
  return `cannot mix ${describe(a)} and ${describe(b)}: convert one of them (e.g. with TEXT())`;
}

/** A number-like operand: number, boolean (TRUE = 1) or blank (0). */
const numeric = (t: TypeInfo): boolean => t.type === 'number' || t.type === 'boolean' || t.type === 'blank';
const dateLike = (t: TypeInfo): boolean => t.type === 'date' || t.type === 'dateTime';

const VERBS: Readonly<Record<string, string>> = {
  '+': 'add',
  '-': 'subtract',
  '*': 'multiply',
  '/': 'divide',
  '%': 'take the remainder of',
  '^': 'raise',
};

export function arithType(op: BinaryOp, l: TypeInfo, r: TypeInfo): TypeInfo | string {
  if (l.type === 'any' || r.type === 'any') return T.any;
  const fail = `cannot ${VERBS[op]} ${describe(l)} and ${describe(r)}`;
  if (l.type === 'text' || r.type === 'text') return `${fail}: text is not a number (use VALUE(text))`;
  if (numeric(l) && numeric(r)) return T.number;
  switch (op) {
    case '+':
    case '-': {
      if (l.type === 'money' && r.type === 'money') {
        const c = sameCurrency(l, r, op === '+' ? 'add' : 'subtract');
        return typeof c === 'object' && c !== null ? c.clash : money(c);
      }
      if (l.type === 'money' && numeric(r)) return l;
      if (numeric(l) && r.type === 'money') return r;
      if (dateLike(l) && numeric(r)) return l;
      if (op === '+' && numeric(l) && dateLike(r)) return r;
      if (op === '-' && dateLike(l) && dateLike(r)) return T.number;
      return fail;
    }
    case '*':
      if (l.type === 'money' && numeric(r)) return l;
      if (numeric(l) && r.type === 'money') return r;
      return fail;
    case '/':
      if (l.type === 'money' && numeric(r)) return l;
      if (l.type === 'money' && r.type === 'money') {
        const c = sameCurrency(l, r, 'divide');
        return typeof c === 'object' && c !== null ? c.clash : T.number;
      }
      return fail;
    case '%':
      if (l.type === 'money' && numeric(r)) return l;
      return fail;
    default:
      return fail;
  }
}

export function unaryType(t: TypeInfo): TypeInfo | string {
  if (t.type === 'any' || t.type === 'money') return t;
  if (numeric(t)) return T.number;
  return `cannot negate ${describe(t)}`;
}

/** Whether two types may be compared; a message when they never can. */
export function compareCheck(l: TypeInfo, r: TypeInfo): string | null {
  const a = l.type;
  const b = r.type;
  if (a === 'any' || b === 'any' || a === 'blank' || b === 'blank') return null;
  if (a === 'money' && b === 'money') {
    const c = sameCurrency(l, r, 'compare');
    return typeof c === 'object' && c !== null ? c.clash : null;
  }
  const num = (x: string): boolean => x === 'number' || x === 'money';
  const date = (x: string): boolean => x === 'date' || x === 'dateTime' || x === 'text';
  if (num(a) && num(b)) return null;
  if (a === b) return null;
  if (date(a) && date(b)) return null;
  return `cannot compare ${describe(l)} with ${describe(r)}`;
}
