/**
 * Request bodies of the record routes (checked by the input layer, common/input.ts). The
 * schemas check the envelope only: a record's `data` is an object whose keys are the
 * table's fields, decoded and checked by schema-engine against the table.
 */
import { Type, type Static } from '@sinclair/typebox';

const NOT_AN_OBJECT = { body: { code: 'NOT_AN_OBJECT', message: 'must be an object' } };
const DATA = {
  description: 'field keys to values in their wire form',
  'x-error': { code: 'NOT_AN_OBJECT', message: 'must be an object', text: '"data" must be an object of field keys to values' },
};

/** One record `{data, id?}` or a batch `{records:[{id?, data}]}` (the batch's size and items: the write path). */
export const RecordCreateBody = Type.Object(
  {
    data: Type.Optional(Type.Unknown({ description: DATA.description })),
    id: Type.Optional(Type.Unknown({ description: 'a client-made UUID (v7 recommended)' })),
    records: Type.Optional(Type.Unknown({ description: 'a batch: 1 to 1,000 records {id?, data}, written all or nothing' })),
  },
  { 'x-send': 'Send {"data":{…}} or {"records":[…]}', 'x-not-object': NOT_AN_OBJECT },
);

export const RecordUpdateBody = Type.Object(
  {
    version: Type.Optional(Type.Unknown({ description: 'the version you read (a positive integer): a stale one is 409' })),
    // null is an empty change, as it always was
    data: Type.Optional(Type.Unsafe<Record<string, unknown> | null>({ type: ['object', 'null'], ...DATA })),
  },
  {
    additionalProperties: false,
    'x-send': 'Send {"data":{…},"version":n}',
    'x-not-object': NOT_AN_OBJECT,
    'x-unexpected': { where: 'the update', message: 'allowed: data, version' },
  },
);

/** The list's parameters in a body (a filter too large for the URL); checked by the read path. */
export const RecordQueryBody = Type.Object(
  {
    filter: Type.Optional(Type.Unknown({ description: 'a filter (docs/api.md)' })),
    sort: Type.Optional(Type.Unknown()),
    q: Type.Optional(Type.Unknown({ description: 'search text' })),
    limit: Type.Optional(Type.Unknown({ description: '1 to 1000' })),
    offset: Type.Optional(Type.Unknown()),
    after: Type.Optional(Type.Unknown({ description: 'the keyset cursor of the previous page' })),
    count: Type.Optional(Type.Unknown()),
    expand: Type.Optional(Type.Unknown()),
  },
  { 'x-optional': true, 'x-send': 'Send {filter, sort, q, limit, after}' },
);
export type RecordQueryBody = Static<typeof RecordQueryBody>;

export const VersionRestoreBody = Type.Object(
  { version: Type.Optional(Type.Unknown({ description: 'the version you read (a positive integer)' })) },
  {
    additionalProperties: false,
    'x-optional': true,
    'x-refuse': {
      message: 'Send nothing, or {version}',
      details: { body: { code: 'INVALID_BODY', message: 'nothing, or {"version": n}' } },
    },
  },
);
export type VersionRestoreBody = Static<typeof VersionRestoreBody>;
