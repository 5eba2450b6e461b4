/**
 * The registry of type conversions: for each (fromType, toType) pair one pure function
 * from a stored value of the source field to a stored value of the target field. A type
 * change (PATCH …/fields/:field with a new type) runs it over every record; a pair that is
 * not registered is an unknown conversion and the change is refused.
 *
 * Invariants:
 * - A conversion either gives a value that is valid for the target field (most end in the
 *   target type's own `coerce`), or reports the value as lost with a code and a reason.
 *   It never rounds, truncates or guesses silently (see docs/type-changes.md).
 * - Empty in gives empty out (`{ok: null}`); a conversion may also give empty for a value
 *   that reads as empty (a deleted choice).
 * - Pure: no I/O, no clock except the context's, the same input gives the same output.
 */
import { DomainError, ValueError } from '../errors.js';
import type { FieldMeta, ValueContext } from '../types.js';

export interface ConversionContext extends ValueContext {
  /** The workspace's IANA time zone: dates become date-times at its midnight and back. */
  timeZone?: string;
  /** Currency of amounts that name none, when the target money field has no fixed currency. */
  baseCurrency: string;
}

/** `{ok: stored}` (null = empty) or `{lost}` with an issue code; `missing` lists values that are not choices. */
export type ConversionResult = { ok: unknown } | { lost: string; code: string; missing?: string[] };

export interface ConversionDef {
  readonly from: string;
  readonly to: string;
  /** Stored source value (never null) → stored target value, or null for empty. Throws ValueError for a loss. */
  convert(stored: unknown, from: FieldMeta, to: FieldMeta, ctx: ConversionContext): unknown;
  /**
   * Raw options for the target when the request gives none (select ↔ multiSelect keep
   * their choices and choice ids, so every value maps across).
   */
  carryOptions?(from: FieldMeta): Record<string, unknown>;
}

/** A loss that names the values that are not choices of the target (text → select). */
export class MissingChoiceError extends ValueError {
  constructor(readonly values: string[]) {
    const shown = values
      .slice(0, 3)
      .map((v) => JSON.stringify(v.slice(0, 100)))
      .join(', ');
    super(
      'NOT_A_CHOICE',
      `${shown}${values.length > 3 ? ', …' : ''} ${values.length === 1 ? 'is not a choice' : 'are not choices'} of the new field`,
    );
  }
}

const conversions = new Map<string, ConversionDef>();
const keyOf = (from: string, to: string) => `${from}\u0000${to}`;

export function registerConversion(def: ConversionDef): void {
  const k = keyOf(def.from, def.to);
  if (conversions.has(k)) throw new Error(`Conversion ${def.from} → ${def.to} is already registered`);
  if (def.from === def.to) throw new Error('A conversion changes the type');
  conversions.set(k, def);
}

export function findConversion(fromType: string, toType: string): ConversionDef | undefined {
  return conversions.get(keyOf(fromType, toType));
}

/** Types a field of `fromType` can be changed to, sorted. */
export function conversionTargets(fromType: string): string[] {
  return [...conversions.values()]
    .filter((c) => c.from === fromType)
    .map((c) => c.to)
    .sort();
}

/** The conversion, or UNPROCESSABLE naming the types it can become. */
export function requireConversion(fromType: string, toType: string): ConversionDef {
  const def = findConversion(fromType, toType);
  if (!def) {
    const targets = conversionTargets(fromType);
    throw new DomainError(
      'UNPROCESSABLE',
      `A ${fromType} field cannot be converted to ${toType}${targets.length ? `; it can become: ${targets.join(', ')}` : ''}`,
      {
        type: {
          code: 'NO_CONVERSION',
          message: targets.length ? `${fromType} converts to ${targets.join(', ')}` : `${fromType} fields cannot change type`,
        },
      },
    );
  }
  return def;
}

/** Runs one conversion on one stored value: empty stays empty, a ValueError becomes `{lost}`. */
export function convertStored(
  def: ConversionDef,
  stored: unknown,
  from: FieldMeta,
  to: FieldMeta,
  ctx: ConversionContext,
): ConversionResult {
  if (stored === null || stored === undefined) return { ok: null };
  try {
    const v = def.convert(stored, from, to, ctx);
    return { ok: v === undefined || v === '' ? null : v };
  } catch (e) {
    if (e instanceof MissingChoiceError) return { lost: e.message, code: e.issue, missing: e.values };
    if (e instanceof ValueError) return { lost: e.message, code: e.issue };
    throw e;
  }
}
