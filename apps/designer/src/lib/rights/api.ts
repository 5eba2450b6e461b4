/** Users, groups and roles (administrators). */
import { api, enc } from '../api/client';
import type { Group, Role, Rule, User } from '../api/types';

const items = <T>(r: { items: T[] } | T[]) => (Array.isArray(r) ? r : r.items);

export const rightsApi = {
  roles: async () => items(await api.get<{ items: Role[] }>('/roles')),
  createRole: (name: string, rules: Rule[]) => api.post<Role>('/roles', { name, rules }),
  updateRole: (id: string, body: { name?: string; rules?: Rule[] }) => api.patch<Role>(`/roles/${enc(id)}`, body),
  removeRole: (id: string) => api.del(`/roles/${enc(id)}`),
  users: async () => items(await api.get<{ items: User[] }>('/users')),
  createUser: (body: Record<string, unknown>) => api.post<User>('/users', body),
  updateUser: (id: string, body: Record<string, unknown>) => api.patch<User>(`/users/${enc(id)}`, body),
  removeUser: (id: string) => api.del(`/users/${enc(id)}`),
  groups: async () => items(await api.get<{ items: Group[] }>('/groups')),
  createGroup: (name: string) => api.post<Group>('/groups', { name }),
  updateGroup: (id: string, name: string) => api.patch<Group>(`/groups/${enc(id)}`, { name }),
  removeGroup: (id: string) => api.del(`/groups/${enc(id)}`),
};
