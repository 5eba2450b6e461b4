/**
 * Numbers written by people, read without guessing. Accepted:
 * - a plain decimal: `1234.5`, `-0.25`, `+7` (a single `.` is always the decimal point,
 *   so `1.234` is one point two three four);
 * - thousands separators when they cannot be read two ways: spaces (also no-break and
 *   thin spaces) and apostrophes (`1 234`, `1'234.5`), several `,` or several `.`
 *   (`1,234,567`, `1.234.567`), or both marks where the last one is the decimal mark
 *   (`1,234.50`, `1.234,50`, `1 234,50`);
 * - a decimal comma when it cannot be a thousands separator (`1,5`, `1234,50`, `0,125`).
 * Refused: `1,234` (a thousand and thirty-four, or one point two three four —
 * AMBIGUOUS_NUMBER), exponents, currency signs, parentheses, badly placed groups.
 */
import { ValueError } from '../errors.js';
import { formatDecimal, parseDecimal } from '../decimal.js';

const SPACES = /[ \u00a0\u202f\u2009'\u2019]/g;
const HAS_SPACE = /[ \u00a0\u202f\u2009'\u2019]/;

function notANumber(text: string): ValueError {
  return new ValueError('NOT_A_NUMBER', `"${text.slice(0, 40)}" is not a number`);
}

/** Checks `1,234,567`-style grouping: 1–3 digits, then groups of exactly 3. */
function ungroup(int: string, sep: string, text: string): string {
  const groups = int.split(sep);
  if (!/^[0-9]{1,3}$/.test(groups[0]!) || groups.slice(1).some((g) => !/^[0-9]{3}$/.test(g))) throw notANumber(text);
  return groups.join('');
}

/** Human number text → canonical decimal string (`"1 234,50"` → `"1234.5"`). Throws ValueError. */
export function parseNumberText(input: string): string {
  const text = input.trim();
  let s = text.replace(/^\u2212/, '-');
  let sign = '';
  if (s.startsWith('-') || s.startsWith('+')) {
    sign = s[0] === '-' ? '-' : '';
    s = s.slice(1);
  }
  if (!/^[0-9]/.test(s) || !/[0-9]$/.test(s) || !/^[0-9., \u00a0\u202f\u2009'\u2019]+$/.test(s)) throw notANumber(text);
  let spaced = false;
  if (HAS_SPACE.test(s)) {
    // spaces and apostrophes only ever group thousands, and only in the integer part
    spaced = true;
    const firstMark = s.search(/[.,]/);
    const int = firstMark < 0 ? s : s.slice(0, firstMark);
    if (HAS_SPACE.test(s.slice(int.length))) throw notANumber(text);
    s = ungroup(int.replace(SPACES, ' '), ' ', text) + s.slice(int.length);
  }
  const dots = s.split('.').length - 1;
  const commas = s.split(',').length - 1;
  let plain: string;
  if (dots === 0 && commas === 0) plain = s;
  else if (dots > 0 && commas > 0) {
    const dec = s.lastIndexOf('.') > s.lastIndexOf(',') ? '.' : ',';
    const group = dec === '.' ? ',' : '.';
    const [int, frac, ...rest] = s.split(dec);
    if (rest.length || frac!.includes(group) || spaced) throw notANumber(text);
    plain = `${ungroup(int!, group, text)}.${frac}`;
  } else {
    const mark = dots > 0 ? '.' : ',';
    const count = dots + commas;
    if (count > 1) {
      if (spaced) throw notANumber(text);
      plain = ungroup(s, mark, text);
    } else {
      const [int, frac] = s.split(mark) as [string, string];
      if (mark === ',' && !spaced && frac.length === 3 && /^[1-9][0-9]{0,2}$/.test(int)) {
        throw new ValueError(
          'AMBIGUOUS_NUMBER',
          `"${text.slice(0, 40)}" could be ${int}${frac} or ${int}.${frac}; write it without the comma or with a decimal point`,
        );
      }
      plain = `${int}.${frac}`;
    }
  }
  return formatDecimal(parseDecimal(sign + plain));
}

/**
 * Moves the decimal point exactly: shiftDecimal("0.195", 2) → "19.5", shiftDecimal("19.5", -2)
 * → "0.195" (a fraction ↔ percent points). A JS number is read by its shortest text.
 */
export function shiftDecimal(value: string | number, places: number): string {
  const d = parseDecimal(value);
  let digits = d.int + d.frac;
  let point = d.int.length + places;
  if (point <= 0) {
    digits = '0'.repeat(1 - point) + digits;
    point = 1;
  }
  if (point > digits.length) digits = digits.padEnd(point, '0');
  return formatDecimal(
    parseDecimal((d.neg ? '-' : '') + digits.slice(0, point) + (point < digits.length ? '.' + digits.slice(point) : '')),
  );
}
