/**
 * The function library: one FunctionSpec per function, grouped by family in this folder.
 * A spec declares its arity, its static typing (`type`, which may refuse an argument with
 * a FORMULA_ERROR at its position) and its runtime (`run`). Eager functions receive their
 * arguments evaluated, with errors already propagated (unless `keepErrors`); lazy ones
 * (IF, IFS, SWITCH) receive thunks and evaluate only the branch they take.
 */
import { describe } from '../static-types.js';
import type { RawNode } from '../parser.js';
import type { EvalContext, TypeInfo } from '../types.js';
import type { CellError, Value } from '../values.js';

export type Plain = Exclude<Value, CellError>;
export type Thunk = () => Value;

export interface Runtime {
  ctx: EvalContext;
}

export interface CheckCtx {
  name: string;
  args: TypeInfo[];
  nodes: RawNode[];
  /** Throws a FORMULA_ERROR at the argument (or at the call when index is null). */
  fail(index: number | null, message: string): never;
}

interface SpecBase {
  name: string;
  min: number;
  max: number;
  volatile?: boolean;
  /** Receive error values as arguments instead of propagating the first one. */
  keepErrors?: boolean;
  type(c: CheckCtx): TypeInfo;
}

export type FunctionSpec =
  | (SpecBase & { lazy: true; run(args: Thunk[], rt: Runtime): Value })
  | (SpecBase & { lazy?: false; run(args: Plain[], rt: Runtime): Value });

/** What an argument accepts statically; `any` and `blank` are always accepted. */
export type ParamKind = 'number' | 'numOrMoney' | 'money' | 'text' | 'date' | 'condition' | 'any';

const ACCEPTS: Readonly<Record<ParamKind, readonly string[]>> = {
  number: ['number', 'boolean'],
  numOrMoney: ['number', 'boolean', 'money'],
  money: ['money'],
  text: ['number', 'money', 'text', 'boolean', 'date', 'dateTime'],
  date: ['date', 'dateTime', 'text'],
  condition: ['boolean', 'number', 'text'],
  any: ['number', 'money', 'text', 'boolean', 'date', 'dateTime'],
};

const WANTED: Readonly<Record<ParamKind, string>> = {
  number: 'a number',
  numOrMoney: 'a number or money',
  money: 'money',
  text: 'text',
  date: 'a date',
  condition: 'TRUE or FALSE',
  any: 'a value',
};

/** Checks argument `i` (if present) against a kind. */
export function expectArg(c: CheckCtx, i: number, kind: ParamKind): void {
  const t = c.args[i];
  if (!t || t.type === 'any' || t.type === 'blank') return;
  if (!ACCEPTS[kind].includes(t.type)) {
    const hint =
      kind === 'number' && t.type === 'text' ? ' (use VALUE(text))' : kind === 'number' && t.type === 'money' ? ' (use AMOUNT(money))' : '';
    c.fail(i, `${c.name} expects ${WANTED[kind]} as argument ${i + 1}, got ${describe(t)}${hint}`);
  }
}

export function expectArgs(c: CheckCtx, kinds: ParamKind[], rest?: ParamKind): void {
  c.args.forEach((_, i) => expectArg(c, i, kinds[i] ?? rest ?? 'any'));
}

/** The value of a text literal argument, for checks that can be done at check time. */
export function literalText(c: CheckCtx, i: number): string | null {
  const n = c.nodes[i];
  return n && n.kind === 'str' ? n.value : null;
}

export function defineFunctions(specs: FunctionSpec[]): FunctionSpec[] {
  return specs;
}
