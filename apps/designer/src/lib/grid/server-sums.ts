/**
 * Exact footer sums over every record the grid's filter and search select, from the server
 * (`POST /api/tables/:t/records/aggregate`), for the columns the server can add up: numbers,
 * durations, money of a fixed currency, and formulas and rollups giving those. Used while not
 * every row is loaded; once all are, the grid adds up its own rows (live while editing).
 */
import { api, enc, isMissingEndpoint } from '../api/client';
import type { Field } from '../api/types';
import { formatDuration, formatMoney, formatNumber } from '../format/format';
import type { RowQuery } from './row-source.svelte';

export function serverSummable(field: Field): boolean {
  const o = field.options ?? {};
  if (field.type === 'number' || field.type === 'duration') return true;
  if (field.type === 'money') return typeof o.currency === 'string' && o.currency !== '';
  if (field.type === 'formula' || field.type === 'rollup' || field.type === 'lookup') {
    if (o.volatile) return false;
    if (field.type === 'lookup' && o.multiple !== false) return false;
    return o.resultType === 'number' || (o.resultType === 'money' && typeof o.currency === 'string' && o.currency !== '');
  }
  return false;
}

function text(field: Field, v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'object' && v && 'amount' in v) {
    const m = v as { amount: unknown; currency?: unknown };
    return formatMoney(String(m.amount), String(m.currency));
  }
  if (field.type === 'duration') return formatDuration(Number(v));
  return formatNumber(String(v), field.options?.scale);
}

/** Field key → formatted sum over all matching records; empty when the server cannot tell. */
export async function fetchServerSums(table: string, query: RowQuery, fields: Field[], signal?: AbortSignal): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const summed = fields.filter(serverSummable);
  if (!summed.length) return out;
  try {
    const r = await api.post<{ count: number; values: unknown[] }>(
      `/tables/${enc(table)}/records/aggregate`,
      { filter: query.filter ?? undefined, q: query.q || undefined, aggregates: summed.map((f) => ({ field: f.key, fn: 'sum' })) },
      { signal, quiet: true },
    );
    summed.forEach((f, i) => out.set(f.key, text(f, r.values[i])));
  } catch (e) {
    if (!isMissingEndpoint(e) && !(e instanceof DOMException)) console.warn('footer sums', e);
  }
  return out;
}
