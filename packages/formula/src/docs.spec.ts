/**
 * Every example in docs/formulas.md — a table row ending in `expression` | `result` — is
 * compiled and evaluated against the documented record, so the reference cannot drift.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileFormula, FUNCTION_NAMES } from './index.js';
import { context, schema } from './testing/fixtures.js';
import type { FormulaValue } from './types.js';

const doc = readFileSync(new URL('../../../docs/formulas.md', import.meta.url), 'utf8');
const code = /^`(.+)`$/;

const examples: Array<[string, string]> = [];
for (const line of doc.split('\n')) {
  if (!line.startsWith('|')) continue;
  const cells = line
    .split(/(?<!\\)\|/)
    .slice(1, -1)
    .map((c) => c.trim());
  if (cells.length < 2) continue;
  const expression = code.exec(cells[cells.length - 2]!)?.[1];
  const result = cells[cells.length - 1]!;
  if (expression && (code.test(result) || result === '(blank)')) examples.push([expression, result]);
}

function expected(shown: string): FormulaValue {
  if (shown === '(blank)') return null;
  const v = code.exec(shown)![1]!;
  if (v === 'TRUE' || v === 'FALSE') return v === 'TRUE';
  if (/^#[A-Z/0]+!$/.test(v)) return { error: v, message: '' } as FormulaValue;
  if (v.startsWith('"')) return v.slice(1, -1);
  const money = /^(-?[\d.]+) ([A-Z]{3})$/.exec(v);
  if (money) return { amount: money[1]!, currency: money[2]! };
  return v;
}

const aggregates = { 'SUM:f_lines:l_amount': { amount: '100.50', currency: 'EUR' }, 'COUNT:f_lines:*': 3 };

describe('docs/formulas.md', () => {
  it.each(examples)('%s → %s', (expression, shown) => {
    const value = compileFormula(expression, schema).evaluate(context({}, aggregates));
    const normalised = value !== null && typeof value === 'object' && 'error' in value ? { error: value.error, message: '' } : value;
    expect(normalised).toEqual(expected(shown));
  });

  it('documents every function with an example', () => {
    const used = examples.map(([e]) => e.toUpperCase()).join(' ');
    expect(FUNCTION_NAMES.filter((name) => !new RegExp(`\\b${name}\\(`).test(used))).toEqual([]);
    expect(examples.length).toBeGreaterThan(80);
  });
});
