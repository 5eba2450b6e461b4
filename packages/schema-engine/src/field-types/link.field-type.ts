/**
 * Link: to one or many records of a table. The link table `record_link(workspace_id,
 * field_id, from_id, to_id, position)` is the only source of truth; `data` holds nothing.
 * A link field is paired with an inverse field on the target table: the primary side owns
 * the rows (field_id = its id), the inverse side reads them with from/to swapped.
 *
 * Options (stored): table (target table id), multiple, onDelete (what happens to this
 * record when the linked record is deleted: restrict / cascade / unlink), pair (the paired
 * field's id) and side ('primary' | 'inverse'); the API fills pair and side.
 */
import { ValueError } from '../errors.js';
import { uuidLiteral } from '../query/sql-builder.js';
import type { FieldMeta, FieldTypeDef, FilterOp } from '../types.js';
import { isUuid } from '../uuid.js';
import { boolOption, onlyKeys, optionsObject } from './common.js';

export const MAX_LINKS_PER_WRITE = 1000;
export const LINKS_IN_LISTS = 100;

export interface LinkOptions extends Record<string, unknown> {
  table: string;
  multiple: boolean;
  onDelete: 'restrict' | 'cascade' | 'unlink';
  pair?: string;
  side: 'primary' | 'inverse';
}

const LINK_OPS: readonly FilterOp[] = ['eq', 'in', 'nin', 'isEmpty', 'isNotEmpty'];

export function linkOptions(field: FieldMeta): LinkOptions {
  return field.options as unknown as LinkOptions;
}

/** The field id under which a link field's rows are stored, and which column is "this record". */
export function linkStorage(field: FieldMeta): { fieldId: string; self: 'from_id' | 'to_id'; other: 'from_id' | 'to_id' } {
  const o = linkOptions(field);
  return o.side === 'inverse' && o.pair
    ? { fieldId: o.pair, self: 'to_id', other: 'from_id' }
    : { fieldId: field.id, self: 'from_id', other: 'to_id' };
}

function ids(input: unknown, multiple: boolean): string[] {
  const list = Array.isArray(input) ? input : [input];
  if (list.length > MAX_LINKS_PER_WRITE) throw new ValueError('TOO_MANY_LINKS', `at most ${MAX_LINKS_PER_WRITE} links at once`);
  const out: string[] = [];
  for (const v of list) {
    const id = typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as { id?: unknown }).id : v;
    if (!isUuid(id)) throw new ValueError('INVALID_LINK', 'must be record ids');
    const lower = id.toLowerCase();
    if (!out.includes(lower)) out.push(lower);
  }
  if (!multiple && out.length > 1) throw new ValueError('SINGLE_LINK', 'links to one record only');
  return out;
}

export const linkFieldType: FieldTypeDef<LinkOptions> = {
  type: 'link',
  computed: false,
  derived: false,
  formulaType: (field) => ({ type: 'link', table: linkOptions(field).table }),
  sortable: false,
  canBePrimary: false,
  searchable: false,
  canBeUnique: false,
  operators: LINK_OPS,
  sqlKind: 'jsonb',
  parseOptions(raw) {
    const o = optionsObject(raw);
    onlyKeys(o, ['table', 'multiple', 'onDelete', 'pair', 'side', 'inverseKey', 'inverseLabel']);
    if (!isUuid(o.table)) throw new ValueError('INVALID_OPTION', 'table must name the linked table');
    const onDelete = o.onDelete ?? 'unlink';
    if (onDelete !== 'restrict' && onDelete !== 'cascade' && onDelete !== 'unlink')
      throw new ValueError('INVALID_OPTION', 'onDelete is restrict, cascade or unlink');
    const side = o.side ?? 'primary';
    if (side !== 'primary' && side !== 'inverse') throw new ValueError('INVALID_OPTION', 'side is primary or inverse');
    if (o.pair !== undefined && !isUuid(o.pair)) throw new ValueError('INVALID_OPTION', 'pair must be a field id');
    const out: LinkOptions = {
      table: (o.table as string).toLowerCase(),
      multiple: boolOption(o, 'multiple', side === 'inverse'),
      onDelete,
      side,
    };
    if (o.pair) out.pair = (o.pair as string).toLowerCase();
    return out;
  },
  coerce: (input, field) => ids(input, linkOptions(field).multiple !== false),
  toWire: (stored) => stored,
  sqlExpr: () => {
    throw new Error('a link has no value in data; use compileOp');
  },
  filterOperand: (value) => ids(value, true),
  compileOp(op, value, field, alias, sql) {
    const s = linkStorage(field);
    const base = `SELECT 1 FROM record_link l WHERE l.workspace_id = ${alias}.workspace_id AND l.field_id = ${uuidLiteral(s.fieldId)} AND l.${s.self} = ${alias}.id`;
    switch (op) {
      case 'isEmpty':
        return `NOT EXISTS (${base})`;
      case 'isNotEmpty':
        return `EXISTS (${base})`;
      case 'eq':
      case 'in':
        return `EXISTS (${base} AND l.${s.other} = ANY(${sql.param(ids(value, true), 'uuid[]')}))`;
      case 'nin':
        return `NOT EXISTS (${base} AND l.${s.other} = ANY(${sql.param(ids(value, true), 'uuid[]')}))`;
      default:
        throw new ValueError('INVALID_OPERATOR', `${op} does not apply to links`);
    }
  },
  // the inverse on the target table is created and removed with the field; its rows go with it
  afterCreate: (field, store) => store.pairInverse(field),
  companions: (field) => {
    const pair = linkOptions(field).pair;
    return pair ? [pair] : [];
  },
  onRemove: (field, store) => store.dropLinks(field),
  format: (wire) =>
    Array.isArray(wire)
      ? wire.map((x) => (typeof x === 'object' && x ? ((x as { name?: string }).name ?? (x as { id: string }).id) : String(x))).join(', ')
      : '',
};
