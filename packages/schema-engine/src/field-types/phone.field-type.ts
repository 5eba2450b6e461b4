/**
 * Phone: digits with an optional leading `+`, and spaces, dashes and parentheses as
 * separators; 5 to 20 digits, at most 40 characters. Stored as given (NFC, trimmed): numbering
 * plans differ too much to normalise without a country, and people read what they typed.
 */
import { ValueError } from '../errors.js';
import { makeValidatedTextType } from './validated-text.js';

export const MAX_PHONE = 40;

export function normalizePhone(s: string): string {
  const bad = (why: string) => new ValueError('INVALID_PHONE', why);
  if (!/^\+?[0-9 ()-]+$/.test(s)) throw bad('may hold only digits, a leading +, spaces, dashes and parentheses');
  const digits = s.replace(/[^0-9]/g, '').length;
  if (digits < 5 || digits > 20) throw bad('must have 5 to 20 digits');
  let depth = 0;
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')' && --depth < 0) break;
  }
  if (depth !== 0) throw bad('has unbalanced parentheses');
  return s;
}

export const phoneFieldType = makeValidatedTextType('phone', MAX_PHONE, normalizePhone);
