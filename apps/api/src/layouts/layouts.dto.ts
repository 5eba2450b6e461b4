/** Request bodies of layouts and saved views (checked by the input layer; specs and filters by the services). */
import { Type, type Static } from '@sinclair/typebox';

export const LayoutBody = Type.Object(
  { spec: Type.Unknown({ description: 'a card spec {tabs, subtables} or a table spec {columns}' }) },
  { 'x-refuse': { message: 'Send {"spec": …}', details: { spec: { code: 'REQUIRED', message: 'spec is required' } } } },
);
export type LayoutBody = Static<typeof LayoutBody>;

export const ViewBody = Type.Object(
  {
    name: Type.Optional(Type.Unknown({ description: 'one line, 1 to 100 characters' })),
    filter: Type.Optional(Type.Unknown()),
    sort: Type.Optional(Type.Unknown()),
    columns: Type.Optional(Type.Unknown()),
    shared: Type.Optional(Type.Unknown({ description: 'true: every reader of the table sees it (manage settings)' })),
  },
  { additionalProperties: false, 'x-send': 'Send {name, filter?, sort?, columns?, shared?}' },
);
