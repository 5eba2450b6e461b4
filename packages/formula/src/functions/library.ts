/** The whole function library, by upper-case name (function names are case-insensitive). */
import { dateFunctions } from './date.js';
import { logicalFunctions } from './logical.js';
import { mathFunctions } from './math.js';
import { moneyFunctions } from './money.js';
import type { FunctionSpec } from './registry.js';
import { textFunctions } from './text.js';

const LIBRARY = new Map<string, FunctionSpec>();
for (const spec of [...logicalFunctions, ...mathFunctions, ...textFunctions, ...dateFunctions, ...moneyFunctions]) {
  if (LIBRARY.has(spec.name)) throw new Error(`duplicate formula function ${spec.name}`);
  LIBRARY.set(spec.name, spec);
}

/** Functions that, given one link (or link.field) argument, aggregate over the linked records. */
export const AGGREGATE_FUNCTIONS: ReadonlySet<string> = new Set(['SUM', 'AVG', 'COUNT', 'MIN', 'MAX']);

export function lookupFunction(name: string): FunctionSpec | undefined {
  return LIBRARY.get(name.toUpperCase());
}

export const FUNCTION_NAMES: string[] = Object.freeze([...LIBRARY.keys()].sort()) as string[];
