/**
 * `@tabula/schema-engine/wire`: what a client of the API shares with the server, and only
 * that — the wire types, the field-type registry's capabilities (operators, sortable,
 * computed, can be primary…), exact decimal arithmetic and currencies, error codes.
 *
 * Everything reachable from here runs in a browser: no `node:` module, no Buffer (checked
 * by wire.spec.ts). The query builders, rules compiler and conversions stay behind the
 * main entry, which only the API loads.
 */
import './field-types/all.js';

export type * from './wire-types.js';
export { ERROR_CODES, type ErrorCode } from './errors.js';
export { KEY_RE, isReservedKey } from './keys.js';
export { FILTER_OPS, type FilterOp } from './types.js';
export { fieldCapabilities, fieldTypeNames, hasFieldType, type FieldCapabilities } from './registry.js';
export { isPlainObject } from './plain-object.js';
export { compareDecimal, isDecimal, normalizeDecimal, numberToDecimalString, sumDecimals } from './decimal.js';
export { shiftDecimal } from './conversions/number-text.js';
export { currencyCodes, isCurrency, minorUnits, padToMinorUnits } from './currencies.js';
export { CHOICE_PALETTE, type Choice } from './field-types/choices.js';
export { RELATIVE_ANCHORS, RELATIVE_UNITS, type RelativeAnchor, type RelativeUnit } from './field-types/relative-date.js';
export { RULE_ACTIONS, type RuleAction, type WireRule } from './rules/rule-types.js';
