/** Registers every built-in field type once. Adding a type: one module + one line here. */
import { hasFieldType, registerFieldType } from '../registry.js';
import type { FieldTypeDef } from '../types.js';
import { attachmentFieldType } from './attachment.field-type.js';
import { booleanFieldType } from './boolean.field-type.js';
import { dateTimeFieldType } from './date-time.field-type.js';
import { dateFieldType } from './date.field-type.js';
import { durationFieldType } from './duration.field-type.js';
import { emailFieldType } from './email.field-type.js';
import { longTextFieldType } from './long-text.field-type.js';
import { moneyFieldType } from './money.field-type.js';
import { multiSelectFieldType } from './multi-select.field-type.js';
import { numberFieldType } from './number.field-type.js';
import { percentFieldType } from './percent.field-type.js';
import { phoneFieldType } from './phone.field-type.js';
import { selectFieldType } from './select.field-type.js';
import { textFieldType } from './text.field-type.js';
import { urlFieldType } from './url.field-type.js';
import { userFieldType } from './user.field-type.js';
import { linkFieldType } from './link.field-type.js';
import { autonumberFieldType } from './autonumber.field-type.js';
import { formulaFieldType } from './formula.field-type.js';
import { lookupFieldType } from './lookup.field-type.js';
import { rollupFieldType } from './rollup.field-type.js';

export const BUILT_IN_FIELD_TYPES: FieldTypeDef<any>[] = [
  textFieldType,
  longTextFieldType,
  numberFieldType,
  moneyFieldType,
  percentFieldType,
  booleanFieldType,
  dateFieldType,
  dateTimeFieldType,
  durationFieldType,
  selectFieldType,
  multiSelectFieldType,
  emailFieldType,
  phoneFieldType,
  urlFieldType,
  userFieldType,
  linkFieldType,
  autonumberFieldType,
  attachmentFieldType,
  formulaFieldType,
  lookupFieldType,
  rollupFieldType,
];

export function registerBuiltInFieldTypes(): void {
  for (const def of BUILT_IN_FIELD_TYPES) if (!hasFieldType(def.type)) registerFieldType(def);
}

registerBuiltInFieldTypes();
