/**
 * Text as the hub of type changes: every simple type renders its stored value as plain,
 * locale-independent text that reads back to the same value, and text reads into every
 * simple type with the rules below (docs/type-changes.md has the table).
 *
 * Rendering: numbers as decimal text (`1234.5`), percent in points with a sign (`19.5%`),
 * money as `amount CODE` (`19.99 EUR`), booleans `true`/`false`, dates ISO, date-times ISO
 * UTC, durations `h:mm:ss`, choices by value (several joined by `, `).
 */
import { ValueError } from '../errors.js';
import { isCurrency } from '../currencies.js';
import { choiceValue } from '../field-types/choices.js';
import { booleanFieldType } from '../field-types/boolean.field-type.js';
import { formatDuration } from '../field-types/duration.field-type.js';
import { parseIsoDateTime } from '../field-types/date-time.field-type.js';
import { parseIsoDate } from '../field-types/date.field-type.js';
import { dayStartMs, utcMs, zoneOffsetMs } from '../field-types/zoned-day.js';
import { getFieldType } from '../registry.js';
import type { FieldMeta } from '../types.js';
import { MissingChoiceError, type ConversionContext } from './registry.js';
import { parseNumberText, shiftDecimal } from './number-text.js';

/** Types that render to text and read back from it. */
export const TEXT_CONVERTIBLE = [
  'text',
  'longText',
  'number',
  'money',
  'percent',
  'boolean',
  'date',
  'dateTime',
  'duration',
  'select',
  'multiSelect',
  'email',
  'phone',
  'url',
] as const;

/** Stored value → its text form; null when it reads as empty (a deleted choice). */
export function storedToText(stored: unknown, field: FieldMeta): string | null {
  switch (field.type) {
    case 'percent':
      return `${shiftDecimal(String(stored), 2)}%`;
    case 'money': {
      const m = stored as { a?: unknown; c?: unknown };
      return `${String(m.a)} ${String(m.c)}`;
    }
    case 'boolean':
      return stored === true ? 'true' : 'false';
    case 'duration':
      return formatDuration(stored);
    case 'select':
      return choiceValue(stored, field.options) ?? null;
    case 'multiSelect': {
      const values = getFieldType('multiSelect').toWire(stored, field) as string[];
      return values.length ? values.join(', ') : null;
    }
    default:
      return typeof stored === 'string' ? stored : String(stored);
  }
}

const coerce = (to: FieldMeta, wire: unknown, ctx: ConversionContext) => getFieldType(to.type).coerce(wire, to, ctx);

function textToMoney(text: string, to: FieldMeta, ctx: ConversionContext): unknown {
  let s = text.trim();
  let code: string | undefined;
  const symbol = /^([€£])\s*(.+)$/.exec(s) ?? /^(.+?)\s*([€£])$/.exec(s);
  const named = /^([A-Za-z]{3})\s*(.+)$/.exec(s) ?? /^(.+?)\s*([A-Za-z]{3})$/.exec(s);
  if (symbol) {
    const sym = /[€£]/.test(symbol[1]!) ? symbol[1]! : symbol[2]!;
    code = sym === '€' ? 'EUR' : 'GBP';
    s = sym === symbol[1] ? symbol[2]! : symbol[1]!;
  } else if (named) {
    const c = /^[A-Za-z]{3}$/.test(named[1]!) ? named[1]! : named[2]!;
    code = c.toUpperCase();
    if (!isCurrency(code)) throw new ValueError('INVALID_CURRENCY', `"${c}" is not an ISO 4217 currency code`);
    s = c === named[1] ? named[2]! : named[1]!;
  }
  const amount = parseNumberText(s);
  const fixed = typeof to.options.currency === 'string' ? to.options.currency : undefined;
  if (code && fixed && code !== fixed) throw new ValueError('CURRENCY_MISMATCH', `the amount is in ${code}; the field holds ${fixed}`);
  return coerce(to, { amount, currency: code ?? fixed ?? ctx.baseCurrency }, ctx);
}

function textToPercent(text: string, to: FieldMeta, ctx: ConversionContext): unknown {
  const m = /^(.*?)\s*%$/.exec(text.trim());
  // with a sign the number is in points (19.5% → 0.195); without, a fraction as on the wire
  return coerce(to, m ? shiftDecimal(parseNumberText(m[1]!), -2) : parseNumberText(text), ctx);
}

const DURATION_RE = /^(-)?(\d+):([0-5]\d)(?::([0-5]\d)(?:\.(\d{1,3}))?)?$/;

function textToDuration(text: string, to: FieldMeta, ctx: ConversionContext): unknown {
  const m = DURATION_RE.exec(text.trim());
  if (!m) return coerce(to, parseNumberText(text), ctx);
  const ms = (BigInt(m[2]!) * 3600n + BigInt(m[3]!) * 60n + BigInt(m[4] ?? '0')) * 1000n + BigInt((m[5] ?? '').padEnd(3, '0'));
  return coerce(to, shiftDecimal(`${m[1] ?? ''}${ms}`, -3), ctx);
}

const LOCAL_DT_RE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?)?$/;

/** A wall time in the workspace zone → the stored instant (ISO UTC). */
function wallToInstant(m: RegExpExecArray, ctx: ConversionContext): string {
  const date = parseIsoDate(`${m[1]}-${m[2]}-${m[3]}`);
  const tz = ctx.timeZone ?? 'UTC';
  if (m[4] === undefined) return new Date(dayStartMs(date, tz)).toISOString();
  const [h, mi, s] = [Number(m[4]), Number(m[5]), Number(m[6] ?? 0)];
  if (h > 23 || mi > 59 || s > 59) throw new ValueError('INVALID_DATETIME', `${m[4]}:${m[5]} is not a time of day`);
  const wall = utcMs(Number(m[1]), Number(m[2]) - 1, Number(m[3]), h, mi, s, Number((m[7] ?? '').padEnd(3, '0')));
  // the offset in force at that wall time (probed twice: the first guess may sit across a change)
  const guess = wall - zoneOffsetMs(wall, tz);
  return parseIsoDateTime(new Date(wall - zoneOffsetMs(guess, tz)).toISOString());
}

function textToDateTime(text: string, to: FieldMeta, ctx: ConversionContext): unknown {
  const m = LOCAL_DT_RE.exec(text.trim());
  return m ? wallToInstant(m, ctx) : coerce(to, text, ctx);
}

function textToBoolean(text: string): boolean {
  const t = text.trim().toLowerCase();
  if (t === 'true' || t === 'yes') return true;
  if (t === 'false' || t === 'no') return false;
  throw new ValueError('NOT_A_BOOLEAN', `"${text.slice(0, 40)}" is not true/false or yes/no`);
}

/** Stored ids of the choices named in `values`; MissingChoiceError lists the others. */
export function choiceIds(values: string[], to: FieldMeta): string[] {
  const missing = values.filter((v) => choiceIdOrUndefined(v, to) === undefined);
  if (missing.length) throw new MissingChoiceError(missing);
  return values.map((v) => choiceIdOrUndefined(v, to)!);
}

function choiceIdOrUndefined(value: string, to: FieldMeta): string | undefined {
  const choices = (to.options.choices ?? []) as { id: string; value: string }[];
  return choices.find((c) => c.value === value.trim())?.id;
}

function textToMultiSelect(text: string, to: FieldMeta): string[] | null {
  const whole = text.trim();
  // a value that is itself a choice (even with a comma in it) is taken whole
  const values =
    choiceIdOrUndefined(whole, to) !== undefined
      ? [whole]
      : whole
          .split(',')
          .map((v) => v.trim())
          .filter((v) => v !== '');
  const unique = [...new Set(values)];
  return unique.length ? choiceIds(unique, to) : null;
}

/** Text → the stored value of a field of `to.type`. */
export function textToStored(text: string, to: FieldMeta, ctx: ConversionContext): unknown {
  if (text.trim() === '' && to.type !== 'text' && to.type !== 'longText') return null;
  switch (to.type) {
    case 'number':
    case 'percent':
      return to.type === 'percent' ? textToPercent(text, to, ctx) : coerce(to, parseNumberText(text), ctx);
    case 'duration':
      return textToDuration(text, to, ctx);
    case 'money':
      return textToMoney(text, to, ctx);
    case 'boolean':
      return booleanFieldType.coerce(textToBoolean(text), to, ctx);
    case 'dateTime':
      return textToDateTime(text, to, ctx);
    case 'select':
      return choiceIds([text.trim()], to)[0];
    case 'multiSelect':
      return textToMultiSelect(text, to);
    default:
      // text, longText, date, email, phone, url: the target's own rules
      return coerce(to, to.type === 'date' ? text.trim() : text, ctx);
  }
}
