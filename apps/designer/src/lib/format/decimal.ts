/**
 * Exact arithmetic on decimal strings ("19.99") for column sums: money and numbers never
 * become binary floats. Values are scaled to a common number of fraction digits and added
 * as BigInt.
 */
const DECIMAL_RE = /^([+-]?)(\d*)(?:\.(\d*))?$/;

function parts(s: string): { neg: boolean; int: string; frac: string } | null {
  const m = DECIMAL_RE.exec(s.trim());
  if (!m || (!m[2] && !m[3])) return null;
  return { neg: m[1] === '-', int: m[2] || '0', frac: m[3] ?? '' };
}

/** The exact sum of decimal strings (numbers are turned into their shortest string first). */
export function sumDecimals(values: (string | number)[]): string {
  const ps = values.map((v) => parts(typeof v === 'number' ? numberToPlain(v) : v)).filter((p): p is NonNullable<typeof p> => p !== null);
  if (!ps.length) return '0';
  const scale = Math.max(...ps.map((p) => p.frac.length));
  let total = 0n;
  for (const p of ps) {
    const digits = BigInt(p.int + p.frac.padEnd(scale, '0'));
    total += p.neg ? -digits : digits;
  }
  const neg = total < 0n;
  let s = (neg ? -total : total).toString().padStart(scale + 1, '0');
  if (scale > 0) s = s.slice(0, -scale) + '.' + s.slice(-scale);
  return (neg ? '-' : '') + s;
}

/** A JS number as plain decimal text (no exponent). */
export function numberToPlain(n: number): string {
  if (!Number.isFinite(n)) return '0';
  const s = String(n);
  if (!/e/i.test(s)) return s;
  return n.toFixed(20).replace(/\.?0+$/, '');
}

/** Is `s` a decimal number as a person types it ("1234.5", "-3", ".5")? */
export function isDecimalText(s: string): boolean {
  return parts(s) !== null;
}
