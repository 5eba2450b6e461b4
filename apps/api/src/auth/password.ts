/**
 * Passwords are hashed with scrypt (memory-hard, in Node's crypto: no native addon to
 * build). Format: `scrypt$N$r$p$salt$hash`, so parameters can be raised later.
 * A new password must be 8 to 200 characters and not one of the most common passwords
 * (apps/api/assets/common-passwords.txt): those fall first to any guessing, throttled or not.
 */
import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { readFileSync } from 'node:fs';

const N = 1 << 15;
const R = 8;
const P = 1;
const KEYLEN = 32;

function scrypt(password: string, salt: Buffer, opts: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scryptCb(password, salt, KEYLEN, { ...opts, maxmem: 128 * N * R * 2 }, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scrypt(password, salt, { N, r: R, p: P });
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [n, r, p] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  const salt = Buffer.from(parts[4]!, 'base64');
  const expected = Buffer.from(parts[5]!, 'base64');
  const actual = await scrypt(password, salt, { N: n, r, p });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** A hash to compare against when the account does not exist, so timing does not tell. */
let dummy: Promise<string> | undefined;
export function dummyHash(): Promise<string> {
  dummy ??= hashPassword(randomBytes(12).toString('hex'));
  return dummy;
}

/** Where the list is, from src/auth and from dist/auth alike. */
const COMMON_PASSWORDS_FILE = new URL('../../assets/common-passwords.txt', import.meta.url);
let common: Set<string> | undefined;

/** Whether a password is on the list of common ones, compared lower-cased. */
export function isCommonPassword(password: string): boolean {
  common ??= new Set(
    readFileSync(COMMON_PASSWORDS_FILE, 'utf8')
      .split('\n')
      .filter((l) => l && !l.startsWith('# ')),
  );
  return common.has(password.toLowerCase());
}

export interface PasswordIssue {
  code: 'INVALID_PASSWORD' | 'COMMON_PASSWORD';
  message: string;
}

/** Why a new password is refused, or undefined if it is acceptable. */
export function validatePassword(password: unknown): PasswordIssue | undefined {
  const invalid = (message: string): PasswordIssue => ({ code: 'INVALID_PASSWORD', message });
  if (typeof password !== 'string') return invalid('must be text');
  if (password.length < 8) return invalid('must be at least 8 characters');
  if (password.length > 200) return invalid('must be at most 200 characters');
  if (isCommonPassword(password)) return { code: 'COMMON_PASSWORD', message: 'is one of the most common passwords; choose another' };
  return undefined;
}
