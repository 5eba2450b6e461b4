/**
 * Choices of select and multiSelect fields. Each choice has a short stable id (`c1`, `c2`…)
 * under which records store it, so renaming a choice's value rewrites nothing. Ids are
 * kept when given and generated when missing from a counter kept in the options
 * (`nextId`), which only grows: the id of a deleted choice is never handed out again, so
 * records still holding it never silently take another choice's value.
 *
 * Rules: at most 500 choices; values trimmed, non-empty, one line, at most 100 characters,
 * unique; ids `[A-Za-z0-9_-]{1,24}`, unique; colour a CSS hex `#rrggbb` (stored lower
 * case) or a palette name.
 */
import { ValueError } from '../errors.js';
import { onlyKeys, optionsObject } from './common.js';
import { isPlainObject } from '../plain-object.js';

export const MAX_CHOICES = 500;
export const MAX_CHOICE_LENGTH = 100;
export const CHOICE_PALETTE = [
  'gray',
  'brown',
  'red',
  'orange',
  'yellow',
  'green',
  'teal',
  'cyan',
  'blue',
  'indigo',
  'purple',
  'pink',
] as const;

const ID_RE = /^[A-Za-z0-9_-]{1,24}$/;
const COUNTER_ID_RE = /^c([1-9][0-9]{0,8})$/;
const HEX_RE = /^#[0-9a-fA-F]{6}$/;

export interface Choice {
  id: string;
  value: string;
  color?: string;
}

export interface ChoiceOptions extends Record<string, unknown> {
  choices: Choice[];
  /** The number of the next generated id (`c<nextId>`); only grows. */
  nextId: number;
}

function counterOf(id: string): number {
  const m = COUNTER_ID_RE.exec(id);
  return m ? Number(m[1]) : 0;
}

function parseChoice(raw: unknown, i: number): { id?: string; value: string; color?: string } {
  const where = `choice ${i + 1}`;
  if (!isPlainObject(raw)) throw new ValueError('INVALID_CHOICE', `${where} must be an object {"value","color"}`);
  for (const k of Object.keys(raw)) {
    if (k !== 'id' && k !== 'value' && k !== 'color') throw new ValueError('INVALID_CHOICE', `${where}: unknown key "${k.slice(0, 30)}"`);
  }
  if (typeof raw.value !== 'string') throw new ValueError('INVALID_CHOICE', `${where}: value must be text`);
  const value = raw.value.trim();
  if (!value) throw new ValueError('INVALID_CHOICE', `${where}: value must not be empty`);
  if ([...value].length > MAX_CHOICE_LENGTH)
    throw new ValueError('INVALID_CHOICE', `${where}: value has more than ${MAX_CHOICE_LENGTH} characters`);

  if (/[\u0000-\u001f\u007f]/.test(value))
    throw new ValueError('INVALID_CHOICE', `${where}: value must be one line without control characters`);
  const out: { id?: string; value: string; color?: string } = { value };
  if (raw.id !== undefined && raw.id !== null) {
    if (typeof raw.id !== 'string' || !ID_RE.test(raw.id))
      throw new ValueError('INVALID_CHOICE', `${where}: id must match [A-Za-z0-9_-]{1,24}`);
    out.id = raw.id;
  }
  if (raw.color !== undefined && raw.color !== null) {
    const c = raw.color;
    if (typeof c !== 'string' || !(HEX_RE.test(c) || (CHOICE_PALETTE as readonly string[]).includes(c))) {
      throw new ValueError('INVALID_COLOR', `${where}: color must be "#rrggbb" or one of ${CHOICE_PALETTE.join(', ')}`);
    }
    out.color = c.startsWith('#') ? c.toLowerCase() : c;
  }
  return out;
}

/** Validates `{choices, nextId?}` and gives every choice an id. */
export function parseChoiceOptions(raw: unknown, previous?: Partial<ChoiceOptions>): ChoiceOptions {
  const o = optionsObject(raw);
  onlyKeys(o, ['choices', 'nextId']);
  const list = o.choices ?? [];
  if (!Array.isArray(list)) throw new ValueError('INVALID_OPTION', 'choices must be an array of {"value","color"}');
  if (list.length > MAX_CHOICES) throw new ValueError('TOO_MANY_CHOICES', `at most ${MAX_CHOICES} choices`);
  const parsed = list.map(parseChoice);

  const values = new Set<string>();
  const ids = new Set<string>();
  for (const c of parsed) {
    if (values.has(c.value)) throw new ValueError('DUPLICATE_CHOICE', `the choice "${c.value}" appears twice`);
    values.add(c.value);
    if (c.id !== undefined) {
      if (ids.has(c.id)) throw new ValueError('DUPLICATE_CHOICE', `the choice id "${c.id}" appears twice`);
      ids.add(c.id);
    }
  }

  const given = o.nextId;
  if (given !== undefined && given !== null && (typeof given !== 'number' || !Number.isSafeInteger(given) || given < 1)) {
    throw new ValueError('INVALID_OPTION', 'nextId must be a positive integer');
  }
  let next = Math.max(
    1,
    typeof given === 'number' ? given : 1,
    typeof previous?.nextId === 'number' ? previous.nextId : 1,
    ...[...ids].map((id) => counterOf(id) + 1),
    ...(previous?.choices ?? []).map((c) => counterOf(c.id) + 1),
  );
  const choices: Choice[] = parsed.map((c) => {
    let id = c.id;
    if (id === undefined) {
      while (ids.has(`c${next}`)) next++;
      id = `c${next++}`;
      ids.add(id);
    }
    return c.color === undefined ? { id, value: c.value } : { id, value: c.value, color: c.color };
  });
  return { choices, nextId: next };
}

interface ChoiceIndex {
  byValue: Map<string, string>;
  byId: Map<string, string>;
  ids: string[];
}

const indexes = new WeakMap<object, ChoiceIndex>();
const NO_CHOICES: Choice[] = [];

/**
 * Value ↔ id maps of a field's options, cached per `choices` array. Options are treated as
 * immutable: a changed field comes with a new options object from parseOptions.
 */
export function choiceIndex(options: Record<string, unknown>): ChoiceIndex {
  const choices = Array.isArray(options.choices) ? (options.choices as Choice[]) : NO_CHOICES;
  let idx = indexes.get(choices);
  if (!idx || idx.ids.length !== choices.length) {
    idx = {
      byValue: new Map(choices.map((c) => [c.value, c.id])),
      byId: new Map(choices.map((c) => [c.id, c.value])),
      ids: choices.map((c) => c.id),
    };
    indexes.set(choices, idx);
  }
  return idx;
}

/** A choice value (wire) → its id; NOT_A_CHOICE when the field has no such choice. */
export function choiceId(value: unknown, options: Record<string, unknown>): string {
  if (typeof value !== 'string') throw new ValueError('NOT_TEXT', 'must be the text of a choice');
  const id = choiceIndex(options).byValue.get(value.trim());
  if (id === undefined) throw new ValueError('NOT_A_CHOICE', `"${value.slice(0, 100)}" is not one of the choices`);
  return id;
}

/** A stored id → its value, or undefined when the choice has been deleted. */
export function choiceValue(id: unknown, options: Record<string, unknown>): string | undefined {
  return typeof id === 'string' ? choiceIndex(options).byId.get(id) : undefined;
}
