/** The body of `POST|PATCH /api/users` (checked by the input layer; keys and values by user-body.ts). */
import { Type } from '@sinclair/typebox';
import { rightsBody } from '../access/rights-admin.js';

export const UserBody = rightsBody('the user', {
  email: Type.Optional(Type.Unknown()),
  password: Type.Optional(Type.Unknown({ description: 'at least 12 characters' })),
  name: Type.Optional(Type.Unknown()),
  roles: Type.Optional(Type.Unknown({ description: 'role names or ids' })),
  groups: Type.Optional(Type.Unknown({ description: 'group names or ids' })),
  attributes: Type.Optional(Type.Unknown({ description: 'names to values, for rules with $me.<attribute>' })),
  active: Type.Optional(Type.Unknown()),
});
