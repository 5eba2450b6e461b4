/** Converting engine values (formula results, aggregates, lookups) to stored computed values and back. */
import {
  computedToWire,
  formatDecimal,
  getFieldType,
  isCurrency,
  minorUnits,
  normalizeDecimal,
  parseDecimal,
  type FieldMeta,
} from '@tabula/schema-engine';

export interface CellError {
  error: string;
  message: string;
}

function isError(v: unknown): v is CellError {
  return typeof v === 'object' && v !== null && 'error' in v && typeof (v as CellError).error === 'string';
}

function one(value: unknown, resultType: string): { stored: unknown; error?: CellError } {
  if (value === null || value === undefined || value === '') return { stored: null };
  if (isError(value)) return { stored: null, error: { error: value.error, message: String(value.message ?? '') } };
  try {
    switch (resultType) {
      case 'number':
        if (typeof value === 'boolean') return { stored: value ? '1' : '0' };
        return { stored: normalizeDecimal(value) };
      case 'money': {
        const m = value as { amount?: unknown; currency?: unknown; a?: unknown; c?: unknown };
        const amount = m.amount ?? m.a;
        const currency = m.currency ?? m.c;
        if (typeof currency !== 'string') return { stored: null, error: { error: '#VALUE!', message: 'not a money value' } };
        // exact, shown with at least the currency's minor units ("10.00", as typed amounts are)
        return {
          stored: {
            a: formatDecimal(parseDecimal(normalizeDecimal(amount)), isCurrency(currency) ? minorUnits(currency) : 0),
            c: currency,
          },
        };
      }
      case 'boolean':
        return { stored: value === true || value === 'true' };
      default:
        if (typeof value === 'object' && value !== null && 'amount' in value)
          return { stored: `${(value as unknown as { amount: string }).amount} ${(value as unknown as { currency: string }).currency}` };
        return { stored: typeof value === 'string' || typeof value === 'boolean' ? value : String(value) };
    }
  } catch {
    return { stored: null, error: { error: '#NUM!', message: 'the result is not a storable number' } };
  }
}

export function toStored(value: unknown, field: FieldMeta): { stored: unknown; error?: CellError } {
  const rt = String(field.options.resultType ?? 'any');
  if (Array.isArray(value)) {
    const list = value
      .map((v) => one(v, rt))
      .filter((x) => !x.error && x.stored !== null)
      .map((x) => x.stored);
    return { stored: list.length ? list : null };
  }
  return one(value, rt);
}

export function toWireValue(stored: unknown, field: FieldMeta): unknown {
  return computedToWire(stored, field.options.resultType);
}

/** A row's stored `data` as wire values by field id — of `fields` only: all a formula's evaluation gets to read. */
export function wireById(fields: readonly FieldMeta[], data: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    const v = data[f.slot];
    out[f.id] = v === undefined || v === null ? null : getFieldType(f.type).toWire(v, f);
  }
  return out;
}
