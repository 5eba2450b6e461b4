/**
 * Relative dates in filters: `{"relative":"today","offset":-30}` (offset in days, or with
 * `"unit":"week"|"month"|"year"`), resolved in the workspace's time zone by ctx.today().
 */
import { ValueError } from '../errors.js';
import type { ValueContext } from '../types.js';

export const RELATIVE_ANCHORS = ['today', 'startOfWeek', 'startOfMonth', 'startOfYear', 'endOfMonth'] as const;
export type RelativeAnchor = (typeof RELATIVE_ANCHORS)[number];
export const RELATIVE_UNITS = ['day', 'week', 'month', 'year'] as const;
export type RelativeUnit = (typeof RELATIVE_UNITS)[number];
const ANCHORS = RELATIVE_ANCHORS;
const UNITS = RELATIVE_UNITS;

export function isRelative(v: unknown): v is { relative: string; offset?: number; unit?: string } {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && 'relative' in v;
}

export function resolveRelativeDate(v: unknown, ctx: ValueContext): string {
  if (!isRelative(v)) throw new ValueError('INVALID_DATE', 'must be a date');
  const { relative, offset = 0, unit = 'day' } = v as { relative: unknown; offset?: unknown; unit?: unknown };
  for (const k of Object.keys(v))
    if (!['relative', 'offset', 'unit'].includes(k)) throw new ValueError('INVALID_RELATIVE_DATE', `unknown key "${k.slice(0, 30)}"`);
  if (typeof relative !== 'string' || !(ANCHORS as readonly string[]).includes(relative)) {
    throw new ValueError('INVALID_RELATIVE_DATE', `relative must be one of ${ANCHORS.join(', ')}`);
  }
  if (typeof offset !== 'number' || !Number.isInteger(offset) || Math.abs(offset) > 100_000)
    throw new ValueError('INVALID_RELATIVE_DATE', 'offset must be an integer');
  if (typeof unit !== 'string' || !(UNITS as readonly string[]).includes(unit))
    throw new ValueError('INVALID_RELATIVE_DATE', `unit must be one of ${UNITS.join(', ')}`);
  const [y, m, d] = ctx.today().split('-').map(Number) as [number, number, number];
  let date = new Date(Date.UTC(y, m - 1, d));
  if (relative === 'startOfWeek') date = addDays(date, -((date.getUTCDay() + 6) % 7)); // ISO weeks start on Monday
  if (relative === 'startOfMonth') date = new Date(Date.UTC(y, m - 1, 1));
  if (relative === 'endOfMonth') date = new Date(Date.UTC(y, m, 0));
  if (relative === 'startOfYear') date = new Date(Date.UTC(y, 0, 1));
  if (unit === 'day') date = addDays(date, offset);
  else if (unit === 'week') date = addDays(date, offset * 7);
  else date = addMonths(date, unit === 'year' ? offset * 12 : offset);
  return date.toISOString().slice(0, 10);
}

function addDays(d: Date, n: number): Date {
  return new Date(d.getTime() + n * 86_400_000);
}

/** Adds months, clamping to the month's last day (Jan 31 + 1 month = Feb 28/29). */
export function addMonths(d: Date, n: number): Date {
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth() + n;
  const last = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  return new Date(Date.UTC(y, m, Math.min(d.getUTCDate(), last)));
}
