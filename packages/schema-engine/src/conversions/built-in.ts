/**
 * The built-in conversions, registered once on import:
 * - text and long text ↔ every simple type (through the text forms of text-forms.ts), and
 *   user → text;
 * - the direct pairs that matter: number ↔ money, number ↔ percent, number ↔ duration,
 *   select ↔ multiSelect, date ↔ dateTime.
 * Everything else (e.g. boolean → date, anything to or from a computed, link or
 * attachment type) is unknown and refused.
 */
import { ValueError } from '../errors.js';
import { choiceValue } from '../field-types/choices.js';
import { isoDateOf, dayStartMs, zoneOffsetMs } from '../field-types/zoned-day.js';
import { getFieldType } from '../registry.js';
import type { FieldMeta } from '../types.js';
import { findConversion, registerConversion, type ConversionContext, type ConversionDef } from './registry.js';
import { choiceIds, storedToText, textToStored, TEXT_CONVERTIBLE } from './text-forms.js';

const HUBS = ['text', 'longText'] as const;

const coerce = (to: FieldMeta, wire: unknown, ctx: ConversionContext) => getFieldType(to.type).coerce(wire, to, ctx);

/** The stored value through the target's coerce, so it is valid for the target. */
function viaWire(wire: (stored: unknown, from: FieldMeta, ctx: ConversionContext) => unknown) {
  return (stored: unknown, from: FieldMeta, to: FieldMeta, ctx: ConversionContext) => {
    const w = wire(stored, from, ctx);
    return w === null ? null : coerce(to, w, ctx);
  };
}

const keepChoices = (from: FieldMeta) => ({ choices: from.options.choices ?? [], nextId: from.options.nextId });

export const BUILT_IN_CONVERSIONS: ConversionDef[] = [
  { from: 'text', to: 'longText', convert: viaWire((s) => s) },
  { from: 'longText', to: 'text', convert: viaWire((s) => s) },
  ...HUBS.flatMap((hub) =>
    TEXT_CONVERTIBLE.filter((t) => !(HUBS as readonly string[]).includes(t)).flatMap((type): ConversionDef[] => [
      { from: hub, to: type, convert: (stored, _from, to, ctx) => textToStored(String(stored), to, ctx) },
      {
        from: type,
        to: hub,
        convert: (stored, from, to, ctx) => {
          const text = storedToText(stored, from);
          return text === null ? null : coerce(to, text, ctx);
        },
      },
    ]),
  ),
  ...HUBS.map((hub): ConversionDef => ({ from: 'user', to: hub, convert: viaWire((s) => String(s)) })),

  // amounts: the number is the amount, in the field's fixed currency or the workspace's base currency
  {
    from: 'number',
    to: 'money',
    convert: (stored, _from, to, ctx) =>
      coerce(
        to,
        { amount: String(stored), currency: typeof to.options.currency === 'string' ? to.options.currency : ctx.baseCurrency },
        ctx,
      ),
  },
  { from: 'money', to: 'number', convert: viaWire((s) => String((s as { a: unknown }).a)) },
  // percent is a fraction on the wire and in storage: 0.19 stays 0.19 (19 %)
  { from: 'number', to: 'percent', convert: viaWire((s) => String(s)) },
  { from: 'percent', to: 'number', convert: viaWire((s) => String(s)) },
  // durations are seconds
  { from: 'number', to: 'duration', convert: viaWire((s) => String(s)) },
  { from: 'duration', to: 'number', convert: viaWire((s) => String(s)) },

  {
    from: 'select',
    to: 'multiSelect',
    carryOptions: keepChoices,
    convert: (stored, from, to) => {
      const value = choiceValue(stored, from.options);
      return value === undefined ? null : choiceIds([value], to);
    },
  },
  {
    from: 'multiSelect',
    to: 'select',
    carryOptions: keepChoices,
    convert: (stored, from, to) => {
      const values = getFieldType('multiSelect').toWire(stored, from) as string[];
      if (values.length === 0) return null;
      if (values.length > 1)
        throw new ValueError(
          'SEVERAL_VALUES',
          `holds ${values.length} values (${values.slice(0, 3).join(', ')}${values.length > 3 ? ', …' : ''}); a single select keeps one`,
        );
      return choiceIds(values, to)[0];
    },
  },

  // a date is its first instant in the workspace zone; an instant is its date there
  { from: 'date', to: 'dateTime', convert: viaWire((s, _f, ctx) => new Date(dayStartMs(String(s), ctx.timeZone)).toISOString()) },
  {
    from: 'dateTime',
    to: 'date',
    convert: viaWire((s, _f, ctx) => {
      const t = Date.parse(String(s));
      if (Number.isNaN(t)) throw new ValueError('INVALID_DATETIME', 'is not a date-time');
      return isoDateOf(t + (ctx.timeZone && ctx.timeZone !== 'UTC' ? zoneOffsetMs(t, ctx.timeZone) : 0));
    }),
  },
];

export function registerBuiltInConversions(): void {
  for (const def of BUILT_IN_CONVERSIONS) if (!findConversion(def.from, def.to)) registerConversion(def);
}

registerBuiltInConversions();
