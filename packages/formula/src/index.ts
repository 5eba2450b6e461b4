/**
 * @tabula/formula: the formula language of Tabula — parse, check, dependencies, evaluate —
 * on a restricted mathjs instance (BigNumber only). See README.md for the concept,
 * invariants, security model and storage form.
 */
export { compileFormula, checkFormula, type CompileOptions } from './compile.js';
export { findCycle, assertNoCycle } from './cycle.js';
export { FUNCTION_NAMES } from './functions/library.js';
export type { FormulaErrorDetails } from './formula-error.js';
export { LIMITS } from './limits.js';
export { formulaToSql, type SqlFormula } from './sql.js';
export type {
  FormulaType,
  AggregateFn,
  CellErrorCode,
  CompiledFormula,
  EvalContext,
  FormulaAggregate,
  FormulaCheck,
  FormulaFieldInfo,
  FormulaSchema,
  FormulaValue,
  ValueType,
} from './types.js';
export { displayExpression, fieldInfo, formulaSchema, type TableLookup } from './field-schema.js';
export { prepareDerived } from './derived-options.js';
