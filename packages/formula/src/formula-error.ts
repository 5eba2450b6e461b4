/** Check-time errors: a DomainError FORMULA_ERROR with the offset (0-based) where it was found. */
import { DomainError } from '@tabula/schema-engine';

export interface FormulaErrorDetails {
  position: number;
  message: string;
}

export function formulaError(position: number, message: string): DomainError {
  const details: FormulaErrorDetails = { position, message };
  return new DomainError('FORMULA_ERROR', `${message} (at position ${position})`, details);
}
