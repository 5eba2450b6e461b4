/**
 * Email: a practical subset of RFC 5322 — a dot-atom local part (no quoted strings, no
 * comments) of at most 64 characters, `@`, and a DNS domain of at least two labels with a
 * letter TLD (or an `xn--` IDN label); at most 254 characters. The domain is stored in
 * lower case (it is case-insensitive), the local part as given — but a unique email field
 * compares the whole address in lower case: `Ana@x.com` and `ana@x.com` reach the same
 * mailbox everywhere in practice (and sign-in e-mails are matched the same way).
 */
import { ValueError } from '../errors.js';
import { slotText } from '../query/sql-builder.js';
import { makeValidatedTextType } from './validated-text.js';

export const MAX_EMAIL = 254;

const LOCAL_RE = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const LABEL_RE = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const TLD_RE = /^(?:[A-Za-z]{2,63}|xn--[A-Za-z0-9-]{1,59})$/;

export function normalizeEmail(s: string): string {
  const bad = () => new ValueError('INVALID_EMAIL', 'must be an email address such as "name@example.com"');
  const at = s.lastIndexOf('@');
  if (at < 1) throw bad();
  const local = s.slice(0, at);
  const domain = s.slice(at + 1);
  if (local.length > 64 || !LOCAL_RE.test(local)) throw bad();
  const labels = domain.split('.');
  if (domain.length > 253 || labels.length < 2 || !labels.every((l) => LABEL_RE.test(l)) || !TLD_RE.test(labels[labels.length - 1]!))
    throw bad();
  return `${local}@${domain.toLowerCase()}`;
}

export const emailFieldType = makeValidatedTextType('email', MAX_EMAIL, normalizeEmail, {
  uniqueExpr: (field, alias) => `lower(${slotText(alias, field.slot)})`,
});
