/**
 * Attachment: files hung on a record. Wire and stored form are the same array of
 * `{"id","name","size","type"}` (id = attachment id, size in bytes, type = the MIME type
 * sniffed from the content on upload); an empty array is empty (null).
 *
 * Only the shape is checked here. The API owns the rest: uploads create the attachment
 * rows and append to the value; it checks that ids exist and belong to this record and
 * field, and serves files with safe headers (docs/attachments.md).
 *
 * Names are display text, never paths: `cleanAttachmentName` normalises them to NFC,
 * turns control characters (line breaks, tabs, NUL…) into spaces, drops bidirectional
 * controls (U+202E and friends, which make `exe.pdf` read as `fdp.exe`) and cuts them to
 * 255 characters. It is idempotent, so a value read back and written again is unchanged.
 *
 * Options: maxSize (bytes, default 25 MB, at most 100 MB), accept (MIME patterns such as
 * `image/*` or `application/pdf`; absent = any type), multiple (default true: one file
 * only when false). Not sortable, not unique, not searchable; isEmpty / isNotEmpty only.
 */
import { ValueError } from '../errors.js';
import { slotJson } from '../query/sql-builder.js';
import type { FieldTypeDef } from '../types.js';
import { isUuid } from '../uuid.js';
import { boolOption, intOption, onlyKeys, optionsObject } from './common.js';
import { isPlainObject } from '../plain-object.js';

export const MB = 1024 * 1024;
export const DEFAULT_MAX_ATTACHMENT_SIZE = 25 * MB;
export const MAX_ATTACHMENT_SIZE = 100 * MB;
/** Files one field may hold. */
export const MAX_ATTACHMENTS = 100;
export const MAX_ATTACHMENT_NAME = 255;
const MAX_ACCEPT = 50;
const MAX_TYPE_LENGTH = 255;

export interface AttachmentOptions extends Record<string, unknown> {
  maxSize: number;
  /** Lower-case MIME patterns (`image/*`, `application/pdf`); absent = any type. */
  accept?: string[];
  multiple: boolean;
}

export interface AttachmentItem {
  id: string;
  name: string;
  size: number;
  type: string;
}

const ITEM_KEYS = ['id', 'name', 'size', 'type'] as const;
const TOKEN = '[a-z0-9][a-z0-9!#$&^_.+-]{0,126}';
const MIME_RE = new RegExp(`^${TOKEN}/${TOKEN}$`);
const PATTERN_RE = new RegExp(`^${TOKEN}/(\\*|${TOKEN})$`);
// C0, DEL, C1 and the Unicode line/paragraph separators become spaces.

const CONTROL_RE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;
// Bidirectional controls and marks, the BOM / zero-width no-break space.
const INVISIBLE_RE = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;

/** A file name as display text: NFC, no control or bidi characters, at most 255 characters. */
export function cleanAttachmentName(raw: string): string {
  const text = raw.normalize('NFC').replace(INVISIBLE_RE, '').replace(CONTROL_RE, ' ').trim();
  const chars = Array.from(text); // code points: never cut a surrogate pair
  return (chars.length > MAX_ATTACHMENT_NAME ? chars.slice(0, MAX_ATTACHMENT_NAME).join('').trimEnd() : text) || 'file';
}

function parseAccept(v: unknown): string[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || v.length === 0 || v.length > MAX_ACCEPT) {
    throw new ValueError('INVALID_OPTION', `accept must be a list of 1 to ${MAX_ACCEPT} MIME types such as "image/*" or "application/pdf"`);
  }
  const out: string[] = [];
  for (const p of v) {
    const s = typeof p === 'string' ? p.trim().toLowerCase() : '';
    if (!PATTERN_RE.test(s))
      throw new ValueError('INVALID_OPTION', `accept: ${JSON.stringify(String(p).slice(0, 60))} is not a MIME type or "type/*"`);
    if (!out.includes(s)) out.push(s);
  }
  return out;
}

function item(v: unknown): AttachmentItem {
  if (!isPlainObject(v)) throw new ValueError('INVALID_ATTACHMENT', 'each attachment must be an object {"id","name","size","type"}');
  for (const k of Object.keys(v)) {
    if (!(ITEM_KEYS as readonly string[]).includes(k))
      throw new ValueError('INVALID_ATTACHMENT', `unexpected property "${k.slice(0, 40)}" in an attachment`);
  }
  const { id, name, size, type } = v;
  if (!isUuid(id)) throw new ValueError('INVALID_ATTACHMENT', 'an attachment id must be a uuid');
  if (typeof name !== 'string') throw new ValueError('INVALID_ATTACHMENT', 'an attachment name must be text');
  if (typeof size !== 'number' || !Number.isInteger(size) || size < 0 || size > MAX_ATTACHMENT_SIZE) {
    throw new ValueError('INVALID_ATTACHMENT', `an attachment size must be a whole number of bytes up to ${MAX_ATTACHMENT_SIZE}`);
  }
  if (typeof type !== 'string' || type.length > MAX_TYPE_LENGTH || !MIME_RE.test(type))
    throw new ValueError('INVALID_ATTACHMENT', 'an attachment type must be a lower-case MIME type');
  return { id: id.toLowerCase(), name: cleanAttachmentName(name), size, type };
}

function items(input: unknown, opts: Partial<AttachmentOptions>): AttachmentItem[] {
  if (!Array.isArray(input)) throw new ValueError('NOT_A_LIST', 'must be an array of attachments {"id","name","size","type"}');
  const max = opts.multiple === false ? 1 : MAX_ATTACHMENTS;
  if (input.length > max) throw new ValueError('TOO_MANY_VALUES', max === 1 ? 'this field holds one file' : `at most ${max} files`);
  const out = input.map(item);
  const seen = new Set<string>();
  for (const a of out) {
    if (seen.has(a.id)) throw new ValueError('DUPLICATE_VALUE', `attachment ${a.id} is given twice`);
    seen.add(a.id);
  }
  return out;
}

/** True when the slot holds a non-empty array (SQL NULL and JSON null count as empty). */
function notEmpty(e: string): string {
  return `COALESCE(jsonb_typeof(${e}) = 'array' AND ${e} <> '[]'::jsonb, FALSE)`;
}

export const attachmentFieldType: FieldTypeDef<AttachmentOptions> = {
  type: 'attachment',
  computed: false,
  derived: false,
  // a list of files: no formula reads one (a reference passes the checks and is a cell error when not blank)
  formulaType: () => ({ type: 'any' }),
  sortable: false,
  canBePrimary: false,
  searchable: false,
  canBeUnique: false,
  operators: ['isEmpty', 'isNotEmpty'],
  sqlKind: 'jsonb',
  parseOptions(raw) {
    const o = optionsObject(raw);
    onlyKeys(o, ['maxSize', 'accept', 'multiple']);
    const out: AttachmentOptions = {
      maxSize: intOption(o, 'maxSize', 1, MAX_ATTACHMENT_SIZE, DEFAULT_MAX_ATTACHMENT_SIZE)!,
      multiple: boolOption(o, 'multiple', true),
    };
    const accept = parseAccept(o.accept);
    if (accept) out.accept = accept;
    return out;
  },
  coerce: (input, field) => items(input, field.options as Partial<AttachmentOptions>),
  /** Stored items are already in wire form; anything malformed drops out. */
  toWire(stored) {
    if (!Array.isArray(stored)) return [];
    return stored.flatMap((v) => {
      try {
        return [item(v)];
      } catch {
        return [];
      }
    });
  },
  sqlExpr: (field, alias) => `(${slotJson(alias, field.slot)})`,
  filterOperand() {
    throw new ValueError('INVALID_OPERATOR', 'attachments can only be filtered with isEmpty or isNotEmpty');
  },
  compileOp(op, _value, field, alias) {
    const e = `(${slotJson(alias, field.slot)})`;
    if (op === 'isEmpty') return `NOT ${notEmpty(e)}`;
    if (op === 'isNotEmpty') return notEmpty(e);
    throw new ValueError('INVALID_OPERATOR', `${op} does not apply to attachments`);
  },
  format: (wire) =>
    Array.isArray(wire)
      ? wire
          .map((a) => (isPlainObject(a) && typeof a.name === 'string' ? cleanAttachmentName(a.name) : ''))
          .filter(Boolean)
          .join(', ')
      : '',
};
