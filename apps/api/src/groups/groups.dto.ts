/** The body of `POST|PATCH /api/groups` (checked by the input layer; keys and values by the service). */
import { Type } from '@sinclair/typebox';
import { rightsBody } from '../access/rights-admin.js';

export const GroupBody = rightsBody('the group', { name: Type.Optional(Type.Unknown({ description: 'one line, 1 to 100 characters' })) });
