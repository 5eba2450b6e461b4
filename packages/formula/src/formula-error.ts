/** Check-time errors: a DomainError FORMULA_ERROR with the offset (0-based) where it was found. */
import { DomainError } from '@tabula/schema-engine';

export interface FormulaErrorDetails {
  position: number;
  message: string;
  /**
   * Set when the error is a name that is no field (`salary`, `lines.salary`): a caller that
   * compiles against a reader's view of the schema answers it as UNKNOWN_FIELD, so a field
   * hidden from the reader and one that does not exist answer alike.
   */
  unknownField?: string;
}

export function formulaError(position: number, message: string, unknownField?: string): DomainError {
  const details: FormulaErrorDetails = unknownField === undefined ? { position, message } : { position, message, unknownField };
  return new DomainError('FORMULA_ERROR', `${message} (at position ${position})`, details);
}
