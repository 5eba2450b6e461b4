/**
 * Request bodies of table and field design (checked by the input layer, common/input.ts).
 * A definition's values (keys, types, options) are checked by schema-engine's
 * field-definition parser, which the configuration document shares.
 */
import { Type, type Static } from '@sinclair/typebox';

const NOT_AN_OBJECT = { body: { code: 'NOT_AN_OBJECT', message: 'must be an object' } };

const FIELD = {
  key: Type.Optional(Type.Unknown({ description: '[a-z][a-z0-9_]*, at most 63 characters' })),
  label: Type.Optional(Type.Unknown()),
  type: Type.Optional(Type.Unknown({ description: 'a field type (docs/field-types.md)' })),
  options: Type.Optional(Type.Unknown({ description: 'the type’s options' })),
  required: Type.Optional(Type.Unknown()),
  unique: Type.Optional(Type.Unknown()),
  default: Type.Optional(Type.Unknown()),
  searchable: Type.Optional(Type.Unknown()),
  position: Type.Optional(Type.Unknown()),
};

export const TableCreateBody = Type.Object(
  {
    key: Type.Optional(Type.Unknown({ description: '[a-z][a-z0-9_]*, at most 63 characters' })),
    label: Type.Optional(Type.Unknown()),
    primaryField: Type.Optional(Type.Unknown({ description: 'the key of the field that names a record' })),
    fields: Type.Optional(Type.Array(Type.Unknown({ description: 'a field definition' }))),
  },
  { 'x-send': 'The body must be a JSON object', 'x-not-object': NOT_AN_OBJECT },
);

export const TableUpdateBody = Type.Object(
  {
    key: Type.Optional(Type.Unknown()),
    label: Type.Optional(Type.Unknown()),
    primaryField: Type.Optional(Type.Unknown()),
    position: Type.Optional(Type.Unknown()),
  },
  { additionalProperties: false, 'x-send': 'Send an object with key, label, primaryField or position' },
);
export type TableUpdateBody = Static<typeof TableUpdateBody>;

export const FieldCreateBody = Type.Object(FIELD, { 'x-send': 'The body must be a JSON object', 'x-not-object': NOT_AN_OBJECT });

/** A new `type` converts the field in a job (202 with its `Location`). */
export const FieldUpdateBody = Type.Object(FIELD, { 'x-send': 'Send an object of field properties' });
