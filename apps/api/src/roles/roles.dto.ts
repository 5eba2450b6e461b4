/** The body of `POST|PATCH /api/roles` (checked by the input layer; keys and rules by the service). */
import { Type } from '@sinclair/typebox';
import { rightsBody } from '../access/rights-admin.js';

export const RoleBody = rightsBody('the role', {
  name: Type.Optional(Type.Unknown({ description: 'one line, 1 to 100 characters' })),
  rules: Type.Optional(Type.Unknown({ description: 'rules {action, subject, fields?, conditions?, inverted?} (docs/rights.md)' })),
});
