/** Request bodies of pivots and footer totals (checked by the input layer; the spec itself by report-builder). */
import { Type } from '@sinclair/typebox';

const PIVOT = 'the body must be a pivot {rows, columns, values, filter, q}';

export const PivotBody = Type.Object(
  {
    rows: Type.Optional(Type.Unknown({ description: 'fields (and date buckets) down the side' })),
    columns: Type.Optional(Type.Unknown({ description: 'fields across the top' })),
    values: Type.Optional(Type.Unknown({ description: '[{field, fn}]' })),
    filter: Type.Optional(Type.Unknown()),
    q: Type.Optional(Type.Unknown()),
    totals: Type.Optional(Type.Unknown()),
  },
  { 'x-send': PIVOT, 'x-not-object': { body: { code: 'INVALID_PIVOT', message: PIVOT } } },
);

export const AggregateBody = Type.Object(
  {
    filter: Type.Optional(Type.Unknown()),
    q: Type.Optional(Type.Unknown()),
    aggregates: Type.Optional(Type.Unknown({ description: 'a non-empty list of {field, fn}' })),
  },
  {
    'x-send': 'Send {filter, q, aggregates:[{field, fn}]}',
    'x-not-object': { body: { code: 'INVALID_AGGREGATE', message: 'an object' } },
  },
);
