/**
 * Tokeniser of the formula language. It accepts only the tokens of the grammar (numbers,
 * strings, identifiers, `{id}` references in the stored form, operators, brackets, comma,
 * dot); every other character is a FORMULA_ERROR at its offset. It also refuses an
 * expression longer than the limit before reading it, and a bracket depth beyond the
 * limit, so that no later stage can be driven into deep recursion.
 */
import { formulaError } from './formula-error.js';
import { LIMITS } from './limits.js';

export type TokenType = 'num' | 'str' | 'ident' | 'fieldId' | 'op' | '(' | ')' | ',' | '.' | 'eof';

export interface Token {
  type: TokenType;
  /** Decoded value: the string's content, the id, the canonical operator, the identifier. */
  value: string;
  pos: number;
  end: number;
}

/** Canonical operators: `==` is `=`, `!=` is `<>`. */
const OPERATORS: ReadonlyArray<[string, string]> = [
  ['==', '='],
  ['!=', '<>'],
  ['<>', '<>'],
  ['<=', '<='],
  ['>=', '>='],
  ['=', '='],
  ['<', '<'],
  ['>', '>'],
  ['+', '+'],
  ['-', '-'],
  ['*', '*'],
  ['/', '/'],
  ['^', '^'],
  ['%', '%'],
  ['&', '&'],
];

const ESCAPES: Readonly<Record<string, string>> = { '\\': '\\', '"': '"', "'": "'", n: '\n', t: '\t' };
const NUMBER_RE = /(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/y;
const IDENT_RE = /[A-Za-z_][A-Za-z0-9_]*/y;
const FIELD_ID_RE = /\{([A-Za-z0-9_-]{1,64})\}/y;
const SPACE = new Set([' ', '\t', '\n', '\r']);

const HINTS: Readonly<Record<string, string>> = {
  '[': 'matrices and indexes are not allowed',
  ']': 'matrices and indexes are not allowed',
  '{': 'objects are not allowed',
  '}': 'objects are not allowed',
  ':': 'ranges are not allowed',
  ';': 'only one expression is allowed',
  '?': 'use IF(condition, then, else)',
  '!': 'use NOT(x), or <> for "not equal"',
  '|': 'use OR(a, b)',
  '#': 'comments and error literals are not allowed',
  $: 'unknown character',
  '`': 'unknown character',
  '@': 'unknown character',
};

export function tokenize(src: string, storedForm: boolean): Token[] {
  if (src.length > LIMITS.maxLength) {
    throw formulaError(LIMITS.maxLength, `the formula is longer than ${LIMITS.maxLength} characters`);
  }
  const tokens: Token[] = [];
  let depth = 0;
  let i = 0;
  const push = (type: TokenType, value: string, pos: number, end: number): void => {
    tokens.push({ type, value, pos, end });
    i = end;
  };
  while (i < src.length) {
    const c = src[i]!;
    if (SPACE.has(c)) {
      i++;
      continue;
    }
    if (c === '"' || c === "'") {
      const [value, end] = readString(src, i);
      push('str', value, i, end);
      continue;
    }
    if (/[0-9.]/.test(c) && (c !== '.' || /[0-9]/.test(src[i + 1] ?? ''))) {
      NUMBER_RE.lastIndex = i;
      const m = NUMBER_RE.exec(src)!;
      const exp = /[eE]([+-]?\d+)$/.exec(m[0]);
      if (m[0].length > 100 || (exp && Math.abs(Number(exp[1])) > LIMITS.maxMagnitude)) {
        throw formulaError(i, 'number out of range');
      }
      if (/[A-Za-z_]/.test(src[i + m[0].length] ?? '')) {
        throw formulaError(i + m[0].length, 'a number must not be followed by a name (units and implicit multiplication are not allowed)');
      }
      push('num', m[0], i, i + m[0].length);
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      IDENT_RE.lastIndex = i;
      const m = IDENT_RE.exec(src)!;
      push('ident', m[0], i, i + m[0].length);
      continue;
    }
    if (c === '{' && storedForm) {
      FIELD_ID_RE.lastIndex = i;
      const m = FIELD_ID_RE.exec(src);
      if (!m) throw formulaError(i, 'malformed field reference');
      push('fieldId', m[1]!, i, i + m[0].length);
      continue;
    }
    if (c === '(' || c === ')' || c === ',' || c === '.') {
      if (c === '(' && ++depth > LIMITS.maxDepth) throw formulaError(i, `brackets nested deeper than ${LIMITS.maxDepth}`);
      if (c === ')') depth--;
      push(c, c, i, i + 1);
      continue;
    }
    const op = OPERATORS.find(([text]) => src.startsWith(text, i));
    if (op) {
      if ((op[0] === '&' && src[i + 1] === '&') || (op[0] === '=' && src[i + 1] === '>')) {
        throw formulaError(i, `unexpected "${src.slice(i, i + 2)}"`);
      }
      push('op', op[1], i, i + op[0].length);
      continue;
    }
    throw formulaError(i, `unexpected character "${c}": ${HINTS[c] ?? 'not part of the formula language'}`);
  }
  tokens.push({ type: 'eof', value: '', pos: src.length, end: src.length });
  return tokens;
}

/** Reads a quoted string: a doubled quote or a backslash escape stands for the character. */
function readString(src: string, start: number): [string, number] {
  const quote = src[start]!;
  let out = '';
  let i = start + 1;
  while (i < src.length) {
    const c = src[i]!;
    if (c === quote) {
      if (src[i + 1] === quote) {
        out += quote;
        i += 2;
        continue;
      }
      return [out, i + 1];
    }
    if (c === '\\') {
      const next = src[i + 1];
      const esc = next === undefined ? undefined : ESCAPES[next];
      if (esc === undefined || !Object.hasOwn(ESCAPES, next!)) {
        throw formulaError(i, 'unknown escape in text: use \\\\ \\" \\\' \\n or \\t');
      }
      out += esc;
      i += 2;
      continue;
    }
    out += c;
    i++;
  }
  throw formulaError(start, 'text is not closed: missing quote');
}
