/**
 * Exact decimal helpers over strings and BigInt. Money and numbers never pass through a
 * binary float: wire numbers are turned into their shortest decimal text, then handled as
 * digits.
 */
import { ValueError } from './errors.js';

const DECIMAL_RE = /^([+-])?(\d+)(?:\.(\d+))?$/;
const MAX_DIGITS = 40;

export interface Decimal {
  neg: boolean;
  int: string; // digits, no leading zeros (at least "0")
  frac: string; // digits, may be empty
}

/** Parses a decimal string or a finite JS number (15 significant digits) into parts. */
export function parseDecimal(input: unknown): Decimal {
  let text: string;
  if (typeof input === 'number') {
    if (!Number.isFinite(input)) throw new ValueError('NOT_A_NUMBER', 'must be a finite number');
    text = numberToDecimalString(input);
  } else if (typeof input === 'string') {
    text = input.trim();
  } else {
    throw new ValueError('NOT_A_NUMBER', 'must be a number or a decimal string');
  }
  const m = DECIMAL_RE.exec(text);
  if (!m) throw new ValueError('NOT_A_NUMBER', `"${truncate(text)}" is not a decimal number`);
  const int = m[2]!.replace(/^0+(?=\d)/, '');
  const frac = (m[3] ?? '').replace(/0+$/, '');
  if (int.length + frac.length > MAX_DIGITS) throw new ValueError('TOO_MANY_DIGITS', `at most ${MAX_DIGITS} digits`);
  const neg = m[1] === '-' && !(/^0*$/.test(int) && frac === '');
  return { neg, int, frac };
}

/** Whether parseDecimal accepts the value (a decimal string or a finite number, at most 40 digits). */
export function isDecimal(input: unknown): boolean {
  try {
    parseDecimal(input);
    return true;
  } catch {
    return false;
  }
}

/** The shortest decimal text of a JS number, kept to 15 significant digits, never exponent form. */
export function numberToDecimalString(n: number): string {
  let s = String(n);
  const sig = s.replace(/^-/, '').replace('.', '').replace(/^0+/, '').replace(/e.*$/i, '');
  if (sig.length > 15) s = String(Number(n.toPrecision(15)));
  if (/e/i.test(s)) {
    // expand exponent form exactly
    const [mant, expS] = s.toLowerCase().split('e') as [string, string];
    const exp = Number(expS);
    const neg = mant.startsWith('-');
    const [i, f = ''] = mant.replace('-', '').split('.') as [string, string?];
    let digits = i + f;
    let point = i.length + exp;
    if (point <= 0) {
      digits = '0'.repeat(1 - point) + digits;
      point = 1;
    }
    if (point > digits.length) digits += '0'.repeat(point - digits.length);
    s = (neg ? '-' : '') + digits.slice(0, point) + (point < digits.length ? '.' + digits.slice(point) : '');
  }
  return s;
}

export function formatDecimal(d: Decimal, minScale = 0): string {
  const frac = d.frac.padEnd(minScale, '0');
  return (d.neg ? '-' : '') + d.int + (frac ? '.' + frac : '');
}

/** Normalised text: no leading or trailing zeros beyond what is needed. */
export function normalizeDecimal(input: unknown): string {
  return formatDecimal(parseDecimal(input));
}

/** Rounds half away from zero (as spreadsheets do) to `scale` decimals. */
export function roundDecimal(d: Decimal, scale: number): Decimal {
  if (d.frac.length <= scale) return d;
  const keep = d.frac.slice(0, scale);
  const next = Number(d.frac[scale]);
  let digits = BigInt(d.int + keep);
  if (next >= 5) digits += 1n;
  const s = digits.toString().padStart(scale + 1, '0');
  const int = s.slice(0, s.length - scale).replace(/^0+(?=\d)/, '');
  const frac = s.slice(s.length - scale).replace(/0+$/, '');
  const neg = d.neg && !(int === '0' && frac === '');
  return { neg, int, frac };
}

export function scaleOf(d: Decimal): number {
  return d.frac.length;
}

/**
 * The exact sum of decimal strings and JS numbers (read as parseDecimal reads them: a
 * number by its shortest text, 15 significant digits), normalised like normalizeDecimal.
 * This is what PostgreSQL's `sum(numeric)` gives, as the API puts it on the wire: a
 * grid's footer over its loaded rows and the server's aggregate over all rows agree.
 */
export function sumDecimals(values: readonly unknown[]): string {
  const ds = values.map(parseDecimal);
  const scale = Math.max(0, ...ds.map(scaleOf));
  let total = 0n;
  for (const d of ds) total += BigInt((d.neg ? '-' : '') + d.int + d.frac.padEnd(scale, '0'));
  const neg = total < 0n;
  const digits = (neg ? -total : total).toString().padStart(scale + 1, '0');
  const int = digits.slice(0, digits.length - scale).replace(/^0+(?=\d)/, '');
  const frac = digits.slice(digits.length - scale).replace(/0+$/, '');
  return formatDecimal({ neg, int, frac });
}

/** Compares two decimal strings exactly. */
export function compareDecimal(a: string, b: string): number {
  const x = parseDecimal(a);
  const y = parseDecimal(b);
  const scale = Math.max(x.frac.length, y.frac.length);
  const bx = BigInt((x.neg ? '-' : '') + x.int + x.frac.padEnd(scale, '0'));
  const by = BigInt((y.neg ? '-' : '') + y.int + y.frac.padEnd(scale, '0'));
  return bx < by ? -1 : bx > by ? 1 : 0;
}

function truncate(s: string): string {
  return s.length > 40 ? s.slice(0, 40) + '…' : s;
}
