/** The four roles that ship; an administrator edits them and adds more (issue 5). */
export interface RuleSpec {
  action: string;
  subject: string;
  fields?: string[];
  conditions?: Record<string, unknown>;
  inverted?: boolean;
}

export const BUILTIN_ROLES: { name: string; rules: RuleSpec[] }[] = [
  { name: 'Administrator', rules: [{ action: 'manage', subject: 'all' }] },
  {
    name: 'Senior manager',
    rules: [
      { action: 'read', subject: 'all' },
      { action: 'create', subject: 'all' },
      { action: 'update', subject: 'all' },
      { action: 'delete', subject: 'all' },
      { action: 'export', subject: 'all' },
      { action: 'manage', subject: 'settings', inverted: true },
    ],
  },
  {
    name: 'Manager',
    rules: [
      { action: 'read', subject: 'all', conditions: { owner: '$me' } },
      { action: 'create', subject: 'all', conditions: { owner: '$me' } },
      { action: 'update', subject: 'all', conditions: { owner: '$me' } },
      { action: 'delete', subject: 'all', conditions: { owner: '$me' } },
    ],
  },
  { name: 'Viewer', rules: [{ action: 'read', subject: 'all' }] },
];
