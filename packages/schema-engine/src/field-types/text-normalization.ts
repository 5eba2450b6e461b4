/**
 * The canonical form of stored text, and the characters text may not hold.
 *
 * Two values that look the same must be stored the same, or a unique field holds
 * "é" twice (NFC U+00E9 and NFD e + U+0301), "paypal" next to "pay\u200Bpal", or
 * " Ana" next to "Ana". So every text value is normalised to NFC on write, and one-line
 * values are trimmed; the stored value is then canonical and the unique index (and every
 * equality filter whose operand goes through `canonicalText`) compares canonical forms.
 *
 * Characters refused (ValueError INVALID_CHARACTER, naming the code point):
 * - control characters: C0 (U+0000–U+001F: long text keeps tab and line feed), DEL and C1;
 *   unpaired surrogates;
 * - in one-line values (text, email, url, phone): the Unicode "default ignorable" code
 *   points — bidi controls (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F, U+061C, which
 *   reorder what a reader sees: `exe.pdf` as `fdp.exe`), zero-width characters (U+200B,
 *   U+2060, U+FEFF), the soft hyphen, variation selectors, tags, Hangul fillers — as they
 *   render as nothing. Plain text keeps the few that change what is drawn: ZWJ/ZWNJ
 *   between letters of a script that joins or conjuncts (Arabic, the Indic scripts, …)
 *   and in emoji sequences, variation selectors after emoji and ideographs, tag
 *   characters in flag sequences. Email, URL and phone keep none.
 * Long text is prose: it keeps format characters (right-to-left writing needs its marks),
 * its line breaks become `\n`, and only trailing whitespace is cut (leading indentation
 * shows; trailing blanks and newlines do not).
 *
 * Values stored before this rule are not rewritten; they are refused only when written again.
 */
import { ValueError } from '../errors.js';

export type TextKind =
  /** text: one line, format characters allowed where they draw something */
  | 'line'
  /** email, url, phone: one line, no format characters at all */
  | 'strict'
  /** longText: several lines, format characters allowed */
  | 'multiline';

const LINE_CONTROL = /[\u0000-\u001f\u007f-\u009f]|\p{Cs}/u;

const MULTILINE_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]|\p{Cs}/u;
const IGNORABLE = /\p{Default_Ignorable_Code_Point}/gu;

const JOINING_SCRIPTS = [
  'Arabic',
  'Syriac',
  'Nko',
  'Mongolian',
  'Mandaic',
  'Adlam',
  'Hanifi_Rohingya',
  'Devanagari',
  'Bengali',
  'Gurmukhi',
  'Gujarati',
  'Oriya',
  'Tamil',
  'Telugu',
  'Kannada',
  'Malayalam',
  'Sinhala',
  'Myanmar',
  'Khmer',
  'Tibetan',
];
const JOINING = new RegExp(`^[${JOINING_SCRIPTS.map((s) => `\\p{Script_Extensions=${s}}`).join('')}]$`, 'u');
const MARK = /^\p{M}$/u;
const PICTOGRAPH = /^\p{Extended_Pictographic}$/u;
const EMOJI_TAIL = /^[\p{Extended_Pictographic}\p{Emoji_Modifier}\uFE0F]$/u;
const IDEOGRAPH = /^\p{Ideographic}$/u;
const MONGOLIAN = /^\p{Script_Extensions=Mongolian}$/u;

/** Whether the ignorable `c` between `prev` and `next` changes what is drawn. */
function drawsSomething(c: number, prev: string, next: string): boolean {
  // a joiner after a virama (Indic conjuncts, chillus) or between two joining letters (Arabic)
  if (c === 0x200c || c === 0x200d)
    return (
      (JOINING.test(prev) && (MARK.test(prev) || JOINING.test(next))) || (c === 0x200d && EMOJI_TAIL.test(prev) && PICTOGRAPH.test(next))
    );
  if (c >= 0xfe00 && c <= 0xfe0f)
    return PICTOGRAPH.test(prev) || IDEOGRAPH.test(prev) || (c === 0xfe0f && /^[#*0-9]$/.test(prev) && next === '\u20e3');
  if (c >= 0xe0100 && c <= 0xe01ef) return IDEOGRAPH.test(prev);
  const p = prev.codePointAt(0) ?? 0;
  if (c >= 0xe0020 && c <= 0xe007f) return p === 0x1f3f4 || (p >= 0xe0020 && p <= 0xe007e);
  if (c >= 0x180b && c <= 0x180f) return MONGOLIAN.test(prev);
  return false;
}

/** The code point that ends just before index `at` (a surrogate pair is one character). */
function charBefore(s: string, at: number): string {
  const low = s.charCodeAt(at - 1);
  return low >= 0xdc00 && low <= 0xdfff && at >= 2 ? s.slice(at - 2, at) : s.slice(at - 1, at);
}

function charAt(s: string, at: number): string {
  const c = s.codePointAt(at);
  return c === undefined ? '' : String.fromCodePoint(c);
}

const hex = (c: number) => 'U+' + c.toString(16).toUpperCase().padStart(4, '0');

function refuse(c: number, what: string): ValueError {
  return new ValueError('INVALID_CHARACTER', `must not contain ${what} (${hex(c)})`);
}

/**
 * The canonical form alone, never throwing: NFC, trimmed (one line) or with `\n` line
 * breaks and no trailing whitespace (long text). Filter operands take this form, so an
 * equality filter typed in NFD finds the record stored in NFC.
 */
export function canonicalText(s: string, kind: TextKind): string {
  if (kind === 'multiline') return s.replace(/\r\n?/g, '\n').normalize('NFC').trimEnd();
  return s.normalize('NFC').trim();
}

/** The canonical form of a value to store; ValueError INVALID_CHARACTER for a refused character. */
export function cleanText(s: string, kind: TextKind): string {
  const text = canonicalText(s, kind);
  const control = (kind === 'multiline' ? MULTILINE_CONTROL : LINE_CONTROL).exec(text);
  if (control) {
    const c = control[0].codePointAt(0)!;
    if ((c === 0x0a || c === 0x0d) && kind === 'line') throw new ValueError('LINE_BREAK', 'must be one line');
    throw refuse(c, c === 0 ? 'NUL characters' : 'control characters');
  }
  if (kind === 'multiline') return text;
  const separator = /[\u2028\u2029]/.exec(text);
  if (separator)
    throw kind === 'line' ? new ValueError('LINE_BREAK', 'must be one line') : refuse(separator[0].charCodeAt(0), 'line separators');
  for (const m of text.matchAll(IGNORABLE)) {
    const c = m[0].codePointAt(0)!;
    const at = m.index!;
    if (kind === 'line' && at > 0 && drawsSomething(c, charBefore(text, at), charAt(text, at + m[0].length))) continue;
    throw refuse(c, 'invisible or bidirectional format characters');
  }
  return text;
}
