/** Type conversions: the registry, the built-in pairs, and the text forms they share. */
import '../field-types/all.js';
export * from './registry.js';
export { BUILT_IN_CONVERSIONS, registerBuiltInConversions } from './built-in.js';
export { parseNumberText, shiftDecimal } from './number-text.js';
export { storedToText, textToStored, TEXT_CONVERTIBLE } from './text-forms.js';
export * from './field-conversion.js';
