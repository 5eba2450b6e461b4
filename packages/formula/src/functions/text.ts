/**
 * Text functions: CONCAT, LEFT, RIGHT, MID, LEN, UPPER, LOWER, TRIM, SUBSTITUTE, TEXT.
 * Positions and lengths count characters (Unicode code points, so an emoji is one).
 * Every text produced is bounded (LIMITS.maxTextLength) BEFORE it is built.
 */
import { LIMITS } from '../limits.js';
import { T } from '../static-types.js';
import { CellError, checkText, isError, toNumber, toText, valueError, type Value } from '../values.js';
import { dec, toInt } from '../decimal.js';
import { defineFunctions, expectArg, expectArgs, type Plain } from './registry.js';
import { formatText } from './text-format.js';

const tooLong = (): CellError => valueError(`text longer than ${LIMITS.maxTextLength} characters`);

function count(v: Plain | undefined, fallback: number, what: string): number | CellError {
  if (v === undefined) return fallback;
  const n = toNumber(v);
  if (isError(n)) return n;
  const i = toInt(n);
  return i < 0 ? valueError(`${what} must not be negative`) : i;
}

const chars = (v: Plain): string[] => Array.from(toText(v));

export const textFunctions = defineFunctions([
  {
    name: 'CONCAT',
    min: 1,
    max: 255,
    type: () => T.text,
    run: (args) => {
      let out = '';
      for (const a of args) {
        out += toText(a);
        if (out.length > LIMITS.maxTextLength) return tooLong();
      }
      return out;
    },
  },
  {
    name: 'LEFT',
    min: 1,
    max: 2,
    type: (c) => (expectArgs(c, ['text', 'number']), T.text),
    run: ([s, n]) => {
      const k = count(n, 1, 'LEFT count');
      return isError(k) ? k : chars(s!).slice(0, k).join('');
    },
  },
  {
    name: 'RIGHT',
    min: 1,
    max: 2,
    type: (c) => (expectArgs(c, ['text', 'number']), T.text),
    run: ([s, n]) => {
      const k = count(n, 1, 'RIGHT count');
      if (isError(k)) return k;
      const cs = chars(s!);
      return k === 0 ? '' : cs.slice(Math.max(0, cs.length - k)).join('');
    },
  },
  {
    name: 'MID',
    min: 3,
    max: 3,
    type: (c) => (expectArgs(c, ['text', 'number', 'number']), T.text),
    run: ([s, start, n]) => {
      const from = count(start, 1, 'MID start');
      if (isError(from)) return from;
      if (from < 1) return valueError('MID start must be at least 1');
      const k = count(n, 0, 'MID count');
      return isError(k)
        ? k
        : chars(s!)
            .slice(from - 1, from - 1 + k)
            .join('');
    },
  },
  {
    name: 'LEN',
    min: 1,
    max: 1,
    type: (c) => (expectArg(c, 0, 'text'), T.number),
    run: ([s]) => dec(chars(s!).length),
  },
  { name: 'UPPER', min: 1, max: 1, type: () => T.text, run: ([s]) => checkText(toText(s!).toUpperCase()) },
  { name: 'LOWER', min: 1, max: 1, type: () => T.text, run: ([s]) => checkText(toText(s!).toLowerCase()) },
  {
    name: 'TRIM',
    min: 1,
    max: 1,
    type: () => T.text,
    // as spreadsheets: no leading or trailing spaces, and single spaces inside
    run: ([s]) => toText(s!).replace(/ {2,}/g, ' ').replace(/^ | $/g, '').trim(),
  },
  {
    name: 'SUBSTITUTE',
    min: 3,
    max: 4,
    type: (c) => (expectArgs(c, ['text', 'text', 'text', 'number']), T.text),
    run: ([s, from, to, nth]): Value => {
      const text = toText(s!);
      const old = toText(from!);
      const replacement = toText(to!);
      if (old === '') return text;
      if (nth !== undefined) {
        const k = count(nth, 1, 'SUBSTITUTE instance');
        if (isError(k)) return k;
        if (k < 1) return valueError('SUBSTITUTE instance must be at least 1');
        let at = -1;
        for (let i = 0; i < k; i++) {
          at = text.indexOf(old, at + 1);
          if (at < 0) return text;
        }
        return checkText(text.slice(0, at) + replacement + text.slice(at + old.length));
      }
      const occurrences = text.split(old).length - 1;
      if (text.length + occurrences * (replacement.length - old.length) > LIMITS.maxTextLength) return tooLong();
      return text.split(old).join(replacement);
    },
  },
  {
    name: 'TEXT',
    min: 2,
    max: 2,
    type: (c) => (expectArgs(c, ['any', 'text']), T.text),
    run: ([v, format]) => formatText(v!, toText(format!)),
  },
]);
