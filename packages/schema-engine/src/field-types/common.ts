/** Shared building blocks of field types: option readers and operator sets. */
import { ValueError } from '../errors.js';
import type { FilterOp } from '../types.js';
import { isPlainObject } from '../plain-object.js';

export const TEXT_OPS: readonly FilterOp[] = [
  'eq',
  'ne',
  'in',
  'nin',
  'contains',
  'startsWith',
  'isEmpty',
  'isNotEmpty',
  'lt',
  'lte',
  'gt',
  'gte',
];
export const ORDERED_OPS: readonly FilterOp[] = ['eq', 'ne', 'lt', 'lte', 'gt', 'gte', 'between', 'in', 'nin', 'isEmpty', 'isNotEmpty'];
export const EQUALITY_OPS: readonly FilterOp[] = ['eq', 'ne', 'in', 'nin', 'isEmpty', 'isNotEmpty'];

export function optionsObject(raw: unknown): Record<string, unknown> {
  if (raw === undefined || raw === null) return {};
  if (!isPlainObject(raw)) {
    throw new ValueError('INVALID_OPTIONS', 'options must be an object');
  }
  return raw as Record<string, unknown>;
}

export function onlyKeys(opts: Record<string, unknown>, allowed: readonly string[]): void {
  for (const k of Object.keys(opts)) {
    if (!allowed.includes(k)) throw new ValueError('UNKNOWN_OPTION', `unknown option "${k.slice(0, 40)}"`);
  }
}

export function intOption(
  opts: Record<string, unknown>,
  key: string,
  min: number,
  max: number,
  fallback: number | undefined,
): number | undefined {
  const v = opts[key];
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new ValueError('INVALID_OPTION', `${key} must be an integer from ${min} to ${max}`);
  }
  return v;
}

export function boolOption(opts: Record<string, unknown>, key: string, fallback: boolean): boolean {
  const v = opts[key];
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'boolean') throw new ValueError('INVALID_OPTION', `${key} must be true or false`);
  return v;
}

export function requireString(input: unknown, what = 'text'): string {
  if (typeof input !== 'string') throw new ValueError('NOT_TEXT', `must be ${what}`);
  return input;
}
