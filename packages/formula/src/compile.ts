/**
 * compileFormula: tokenise → parse → check once, then evaluate per row with no parsing.
 * The display form (field keys) and the storage form (field ids, `{id}`) are written from
 * the same token positions, so `compileFormula(f.stored, renamedSchema, {fromStored:
 * true}).expression` shows the new keys and the stored text never changes on a rename.
 */
import { check, type Rewrite } from './checker.js';
import { evaluateRoot } from './evaluator.js';
import { BAIL, compileFast } from './fast.js';
import { parse } from './parser.js';
import { tokenize } from './tokenizer.js';
import type { CompiledFormula, EvalContext, FormulaCheck, FormulaSchema, FormulaValue } from './types.js';
import { toWire } from './values.js';

export interface CompileOptions {
  /** The expression is in the stored form (fields as `{id}`), e.g. read back from the database. */
  fromStored?: boolean;
}

function rewrite(src: string, rewrites: Rewrite[], pick: 'display' | 'stored'): string {
  const sorted = [...rewrites].sort((a, b) => a.pos - b.pos);
  let out = '';
  let at = 0;
  for (const r of sorted) {
    out += src.slice(at, r.pos) + r[pick];
    at = r.end;
  }
  return out + src.slice(at);
}

export function compileFormula(expression: string, schema: FormulaSchema, opts: CompileOptions = {}): CompiledFormula {
  const storedForm = opts.fromStored === true;
  const src = String(expression);
  const raw = parse(tokenize(src, storedForm));
  const result = check(raw, schema, storedForm);
  const root = result.root;
  const reference = (ctx: EvalContext): FormulaValue => toWire(evaluateRoot(root, { ctx }));
  // the exact fast path where the row allows it, the reference evaluator for every other row
  const fast = compileFast(root);
  const compiled: CompiledFormula = {
    expression: rewrite(src, result.rewrites, 'display'),
    stored: rewrite(src, result.rewrites, 'stored'),
    resultType: root.t.type,
    dependencies: result.dependencies.map((f) => f.id),
    aggregates: result.aggregates,
    volatile: result.volatile,
    evaluate: fast
      ? (ctx: EvalContext): FormulaValue => {
          let v: FormulaValue | typeof BAIL;
          try {
            v = fast(ctx);
          } catch {
            v = BAIL; // a hostile values object (a throwing getter): the reference makes it a cell error
          }
          return v === BAIL ? reference(ctx) : v;
        }
      : reference,
  };
  if (root.t.type === 'money') compiled.currency = root.t.currency ?? null;
  return Object.freeze(compiled);
}

/** For POST /api/formula/check: the result type and the keys of the fields read. */
export function checkFormula(expression: string, schema: FormulaSchema): FormulaCheck {
  const src = String(expression);
  const result = check(parse(tokenize(src, false)), schema, false);
  const out: FormulaCheck = { type: result.root.t.type, dependencies: result.dependencies.map((f) => f.key) };
  if (result.root.t.type === 'money') out.currency = result.root.t.currency ?? null;
  return out;
}
