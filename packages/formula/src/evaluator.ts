/**
 * Our own tree-walking evaluator over the bound tree made by the checker. It reads field
 * values by id with own-property lookups only (never through a prototype), converts them
 * from the wire form by the field's static type, and calls only functions of our library.
 * It never throws for data: a problem is a CellError value that propagates.
 */
import type { Node } from './checker.js';
import { dec, isDec } from './decimal.js';
import type { Plain, Runtime, Thunk } from './functions/registry.js';
import { binary, negate, plus } from './operators.js';
import type { TypeInfo } from './types.js';
import { CellError, checkText, DateTimeV, DateV, fromWire, isError, Money, type Value } from './values.js';
import { MS_PER_DAY } from './dates.js';

function own(record: Record<string, unknown> | undefined, key: string): unknown {
  return record !== undefined && record !== null && Object.hasOwn(record, key) ? record[key] : undefined;
}

/** Makes a value fit its static type where the types unify: 0 in a EUR branch is 0 EUR. */
export function conform(v: Value, t: TypeInfo): Value {
  if (t.type === 'money' && t.currency && isDec(v)) return new Money(v, t.currency);
  if (t.type === 'dateTime' && v instanceof DateV) return new DateTimeV(v.days * MS_PER_DAY);
  if (typeof v === 'string') return checkText(v);
  return v;
}

function aggregate(n: Extract<Node, { k: 'agg' }>, rt: Runtime): Value {
  const raw = own(rt.ctx.aggregates, n.key);
  if (raw === undefined || raw === null) {
    if (n.fn === 'COUNT') return dec(0);
    if (n.fn === 'SUM')
      return n.valueType.type === 'money' ? (n.valueType.currency ? new Money(dec(0), n.valueType.currency) : null) : dec(0);
    return null;
  }
  return fromWire(raw, n.fn === 'COUNT' ? { type: 'number' } : n.valueType);
}

export function evaluateNode(n: Node, rt: Runtime): Value {
  switch (n.k) {
    case 'const':
      return n.value;
    case 'field':
      return fromWire(own(rt.ctx.values, n.id), n.t);
    case 'agg':
      return aggregate(n, rt);
    case 'unary': {
      const v = evaluateNode(n.arg, rt);
      return n.op === '-' ? negate(v) : plus(v);
    }
    case 'binary':
      return binary(n.op, evaluateNode(n.left, rt), evaluateNode(n.right, rt));
    case 'call': {
      const fn = n.fn;
      let result: Value;
      if (fn.lazy) {
        const thunks: Thunk[] = n.args.map((a) => () => evaluateNode(a, rt));
        result = fn.run(thunks, rt);
      } else {
        const values: Value[] = [];
        for (const a of n.args) {
          const v = evaluateNode(a, rt);
          if (isError(v) && !fn.keepErrors) return v;
          values.push(v);
        }
        result = fn.run(values as Plain[], rt);
      }
      return conform(result, n.t);
    }
  }
}

/** Evaluates the root; an unexpected exception becomes a cell error rather than a crash. */
export function evaluateRoot(root: Node, rt: Runtime): Value {
  try {
    return conform(evaluateNode(root, rt), root.t);
  } catch (e) {
    if (e instanceof RangeError) return new CellError('#NUM!', 'the calculation is too large');
    return new CellError('#VALUE!', e instanceof Error ? e.message : 'evaluation failed');
  }
}
