/** Request bodies of the formula and exchange-rate routes (checked by the input layer, common/input.ts). */
import { Type, type Static } from '@sinclair/typebox';

const REQUIRED = { expression: { code: 'REQUIRED', message: 'table and expression are required' } };

export const FormulaCheckBody = Type.Object(
  {
    table: Type.String({ description: 'the table key or id the formula is written for' }),
    expression: Type.String({ description: 'the formula' }),
  },
  { 'x-send': 'Send {table, expression}', 'x-refuse': { details: REQUIRED } },
);
export type FormulaCheckBody = Static<typeof FormulaCheckBody>;

export const FormulaPreviewBody = Type.Object(
  {
    table: Type.String({ description: 'the table key or id' }),
    expression: Type.String({ description: 'the formula' }),
    recordId: Type.Optional(Type.Unknown({ description: 'a record the reader may read; none: an empty record' })),
  },
  { 'x-send': 'Send {table, expression, recordId?}', 'x-refuse': { details: REQUIRED } },
);
export type FormulaPreviewBody = Static<typeof FormulaPreviewBody>;

/** The values are checked by the rates service (ISO 4217 codes, a positive decimal, a day). */
export const ExchangeRateBody = Type.Object(
  {
    from: Type.Optional(Type.Unknown({ description: 'ISO 4217 code', examples: ['USD'] })),
    to: Type.Optional(Type.Unknown({ description: 'ISO 4217 code', examples: ['EUR'] })),
    rate: Type.Optional(Type.Unknown({ description: 'a positive decimal (string or number): 1 from = rate to' })),
    date: Type.Optional(Type.Unknown({ description: 'YYYY-MM-DD, the first day the rate applies' })),
  },
  { additionalProperties: false, 'x-send': 'Send {from, to, rate, date}', 'x-unexpected': { message: 'allowed: from, to, rate, date' } },
);
export type ExchangeRateBody = Static<typeof ExchangeRateBody>;
