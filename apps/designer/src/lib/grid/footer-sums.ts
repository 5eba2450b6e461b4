/**
 * Column footers: exact sums of the loaded rows (money per currency, as decimal strings),
 * labelled as partial while not every row is loaded.
 */
import type { Field, RecordT } from '../api/types';
import { sumDecimals } from '../format/decimal';
import { formatDuration, formatMoney, formatNumber } from '../format/format';

export interface FooterSum {
  text: string;
  filled: number;
}

export function columnSum(field: Field, rows: RecordT[]): FooterSum | null {
  const values = rows.map((r) => r.data[field.key]).filter((v) => v !== null && v !== undefined && v !== '');
  const filled = values.length;
  if (field.type === 'money' || values.some((v) => typeof v === 'object' && v && 'amount' in v)) {
    const byCur = new Map<string, string[]>();
    for (const v of values) {
      if (typeof v !== 'object' || !v || !('amount' in v)) continue;
      const cur = String(v.currency ?? field.options?.currency ?? '');
      byCur.set(cur, [...(byCur.get(cur) ?? []), String(v.amount)]);
    }
    if (!byCur.size) return { text: '', filled };
    return { text: [...byCur.entries()].map(([cur, list]) => (cur ? formatMoney(sumDecimals(list), cur) : sumDecimals(list))).join(' · '), filled };
  }
  const nums = values.filter((v) => typeof v === 'number' || (typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v)));
  if (!nums.length) return { text: '', filled };
  const total = sumDecimals(nums as (string | number)[]);
  if (field.type === 'duration') return { text: formatDuration(Number(total)), filled };
  return { text: formatNumber(total, field.options?.scale), filled };
}
