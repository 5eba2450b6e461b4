/**
 * Column footers over the loaded rows, labelled as partial while not every row is loaded.
 * The sums are the server's: added with the engine's exact `sumDecimals` (what
 * PostgreSQL's `sum(numeric)` gives, written as the API writes it), money per currency and
 * padded to the currency's minor units with `padToMinorUnits`, as `POST
 * …/records/aggregate` answers (server-sums.ts) — so the footer does not change when the
 * last rows arrive and the grid switches from the server's sums to its own.
 */
import { isDecimal, padToMinorUnits, sumDecimals } from '@tabula/schema-engine/wire';
import type { Field, RecordT } from '../api/types';
import { formatDuration, formatMoney, formatNumber } from '../format/format';

export interface ColumnTotal {
  /** Non-empty cells. */
  filled: number;
  /** A number column's exact sum, as the server's aggregate gives it ("12.5"); null when nothing adds up. */
  sum: string | null;
  /** A money column's sums, one per currency in order of first appearance. */
  money: { amount: string; currency: string }[] | null;
}

export interface FooterSum {
  text: string;
  filled: number;
}

const isMoney = (v: unknown): v is { amount: unknown; currency?: unknown } => typeof v === 'object' && v !== null && 'amount' in v;
const isNumber = (v: unknown) => (typeof v === 'number' && Number.isFinite(v)) || (typeof v === 'string' && isDecimal(v));

export function columnTotal(field: Field, rows: RecordT[]): ColumnTotal {
  const values = rows.map((r) => r.data[field.key]).filter((v) => v !== null && v !== undefined && v !== '');
  const filled = values.length;
  if (field.type === 'money' || values.some(isMoney)) {
    const byCur = new Map<string, unknown[]>();
    for (const v of values) {
      if (!isMoney(v) || !isDecimal(v.amount)) continue;
      const cur = String(v.currency ?? field.options?.currency ?? '');
      byCur.set(cur, [...(byCur.get(cur) ?? []), v.amount]);
    }
    const money = [...byCur].map(([currency, amounts]) => ({
      amount: currency ? padToMinorUnits(sumDecimals(amounts), currency) : sumDecimals(amounts),
      currency,
    }));
    return { filled, sum: null, money: money.length ? money : null };
  }
  const nums = values.filter(isNumber);
  return { filled, sum: nums.length ? sumDecimals(nums) : null, money: null };
}

export function columnSum(field: Field, rows: RecordT[]): FooterSum | null {
  const t = columnTotal(field, rows);
  if (t.money)
    return { text: t.money.map((m) => (m.currency ? formatMoney(m.amount, m.currency) : m.amount)).join(' · '), filled: t.filled };
  if (t.sum === null) return { text: '', filled: t.filled };
  if (field.type === 'duration') return { text: formatDuration(Number(t.sum)), filled: t.filled };
  return { text: formatNumber(t.sum, field.options?.scale), filled: t.filled };
}
