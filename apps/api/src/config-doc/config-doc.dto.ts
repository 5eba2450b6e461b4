/** The body of `PUT /api/config`: a whole configuration document, checked by config-validate.ts. */
import { Type } from '@sinclair/typebox';

export const ConfigBody = Type.Object(
  {
    format: Type.Optional(Type.Unknown({ description: '"tabula-config"' })),
    version: Type.Optional(Type.Unknown({ description: '1' })),
  },
  {
    description: 'A configuration document (docs/configuration.md): workspace, tables, layouts, views, roles, groups',
    'x-send': 'Send a configuration document: a JSON object {"format":"tabula-config","version":1,…}',
    'x-not-object': { body: { code: 'NOT_AN_OBJECT', message: 'must be an object' } },
  },
);
