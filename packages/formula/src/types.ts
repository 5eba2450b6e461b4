/**
 * Public types of the formula package. Values cross the boundary in WIRE form (decimal
 * strings, `{amount, currency}`, ISO dates); inside, numbers are BigNumbers (see values.ts).
 */

import type { FormulaType, ValueType } from '@tabula/schema-engine';

/** The static type of an expression, as inferred at check time (schema-engine's VALUE_TYPES). */
export type { FormulaType, ValueType };

/** A field of the table as the checker sees it; field-schema.ts builds these from the metadata. */
export interface FormulaFieldInfo {
  id: string;
  key: string;
  /** The field-type name (text, money, link, …): for messages, and for the caller's SQL inputs. */
  type: string;
  /** Its static type: its field type's `formulaType` (money with its fixed currency or null; a link). */
  formulaType: FormulaType;
  /** For link fields: the linked table, so that `SUM(lines.amount)` resolves. */
  linkTable?: FormulaSchema;
}

export interface FormulaSchema {
  fields: FormulaFieldInfo[];
}

export type AggregateFn = 'SUM' | 'AVG' | 'COUNT' | 'MIN' | 'MAX';

export interface FormulaAggregate {
  /** Key under which the caller passes the value in `EvalContext.aggregates`. */
  key: string;
  linkFieldId: string;
  /** The aggregated field of the linked table; null for `COUNT(link)`. */
  fieldId: string | null;
  fn: AggregateFn;
}

export interface EvalContext {
  /** By field id, in wire form; null or absent = blank. */
  values: Record<string, unknown>;
  /** By aggregate key: the value computed by the caller in SQL. */
  aggregates?: Record<string, unknown>;
  /** Units of `to` per 1 `from` as a decimal string; null when no rate exists. */
  rate?(from: string, to: string, date: string | null): string | null;
  /** Today as "YYYY-MM-DD" in the workspace's time zone. */
  today?(): string;
  now?(): Date;
}

export type CellErrorCode = '#DIV/0!' | '#VALUE!' | '#RATE!' | '#NUM!' | '#REF!';

export type FormulaValue = null | string | boolean | { amount: string; currency: string } | { error: CellErrorCode; message: string };

export interface CompiledFormula {
  /** Display form: references by field key. */
  expression: string;
  /** Storage form: references by field id (`{id}`), so renaming a field never breaks it. */
  stored: string;
  resultType: ValueType;
  currency?: string | null;
  /** Ids of the fields of the same table that the formula reads (link fields included). */
  dependencies: string[];
  aggregates: FormulaAggregate[];
  /** Uses TODAY or NOW: evaluated when read, never stored. */
  volatile: boolean;
  /** Compiled once; evaluates one row. Never throws for bad data: returns a cell error. */
  evaluate(ctx: EvalContext): FormulaValue;
}

export interface FormulaCheck {
  type: ValueType;
  currency?: string | null;
  /** Keys of the fields of the same table the formula reads. */
  dependencies: string[];
}

/** Static type with its currency (money only: a code when fixed, null when per value). */
export interface TypeInfo {
  type: ValueType;
  currency?: string | null;
}
