/**
 * URL: an absolute http or https address with a host, at most 2000 characters, without
 * spaces or control characters. Other schemes (`javascript:`, `data:`, `file:`, …) are
 * refused: a stored URL ends up as a link that someone clicks. Stored as given (NFC, trimmed).
 */
import { ValueError } from '../errors.js';
import { makeValidatedTextType } from './validated-text.js';

export const MAX_URL = 2000;

export function normalizeUrl(s: string): string {
  const bad = (why: string) => new ValueError('INVALID_URL', why);
  if (!/^https?:\/\//i.test(s)) throw bad('must start with http:// or https://');

  if (/[\s\u0000-\u001f\u007f]/.test(s)) throw bad('must not contain spaces or control characters');
  let url: URL;
  try {
    url = new URL(s);
  } catch {
    throw bad('is not a valid URL');
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || !url.hostname) throw bad('must be an http or https URL with a host');
  return s;
}

export const urlFieldType = makeValidatedTextType('url', MAX_URL, normalizeUrl);
