import { users } from '../state/users.svelte';
import { base, isEmpty } from './field-type';

export const user = base({
  type: 'user',
  label: 'User',
  icon: 'user',
  group: 'Relations',
  description: 'A person who uses Tabula',
  hasDefault: false,
  editor: 'user',
  format: (v) => (isEmpty(v) ? '' : users.name(String(v))),
  toText: (v) => (isEmpty(v) ? '' : users.name(String(v))),
  parse(t) {
    if (t.trim() === '') return { value: null };
    const id = users.find(t);
    return id ? { value: id } : { error: `no user "${t.trim()}"` };
  },
});
