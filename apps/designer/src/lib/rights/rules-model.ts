/**
 * A role's rules ↔ the rights matrix. The matrix covers the common rules — an action on a
 * table (or on every table) for all records or only the user's own, and per-field "hidden"
 * and "read-only" switches (inverted rules with fields); every other rule (other
 * conditions, settings, reports, menu items) is kept unchanged and listed as is.
 */
import type { Rule, Table } from '../api/types';

export const ACTIONS = ['read', 'create', 'update', 'delete', 'export'] as const;
export type MatrixAction = (typeof ACTIONS)[number];
export type Cell = 'none' | 'all' | 'own' | 'custom';
export const ALL = 'all';

export interface Matrix {
  /** subject (table key or "all") → action → cell */
  cells: Record<string, Record<MatrixAction, Cell>>;
  /** table key → field keys hidden (cannot read) / read-only (cannot update) */
  hidden: Record<string, string[]>;
  readonly: Record<string, string[]>;
  /** Rules the matrix does not show as cells, kept as they are. */
  other: Rule[];
  /** Per subject and action, the rules of a 'custom' cell. */
  custom: Record<string, Rule[]>;
  manageAll: boolean;
}

const isOwn = (c: Record<string, unknown> | undefined) =>
  !!c &&
  Object.keys(c).length === 1 &&
  (c.owner === '$me' || (typeof c.owner === 'object' && c.owner !== null && (c.owner as Record<string, unknown>).$eq === '$me'));

function emptyRow(): Record<MatrixAction, Cell> {
  return { read: 'none', create: 'none', update: 'none', delete: 'none', export: 'none' };
}

export function toMatrix(rules: Rule[], tables: Table[]): Matrix {
  const m: Matrix = { cells: {}, hidden: {}, readonly: {}, other: [], custom: {}, manageAll: false };
  const subjects = [ALL, ...tables.map((t) => t.key)];
  for (const s of subjects) m.cells[s] = emptyRow();
  for (const r of rules) {
    const known = subjects.includes(r.subject);
    if (r.action === 'manage' && r.subject === ALL && !r.inverted && !r.fields && !r.conditions) {
      m.manageAll = true;
      continue;
    }
    if (known && r.inverted && r.fields?.length && !r.conditions && r.subject !== ALL && (r.action === 'read' || r.action === 'update')) {
      const bucket = r.action === 'read' ? m.hidden : m.readonly;
      bucket[r.subject] = [...new Set([...(bucket[r.subject] ?? []), ...r.fields])];
      continue;
    }
    if (known && !r.inverted && !r.fields && r.action === 'manage' && !r.conditions) {
      for (const a of ACTIONS) m.cells[r.subject][a] = 'all';
      continue;
    }
    if (known && !r.inverted && !r.fields && (ACTIONS as readonly string[]).includes(r.action)) {
      const a = r.action as MatrixAction;
      const cur = m.cells[r.subject][a];
      if (!r.conditions) m.cells[r.subject][a] = 'all';
      else if (isOwn(r.conditions)) m.cells[r.subject][a] = cur === 'all' ? 'all' : 'own';
      else {
        m.custom[`${r.subject}:${a}`] = [...(m.custom[`${r.subject}:${a}`] ?? []), r];
        if (cur === 'none') m.cells[r.subject][a] = 'custom';
      }
      continue;
    }
    m.other.push(r);
  }
  return m;
}

export function toRules(m: Matrix): Rule[] {
  const out: Rule[] = [];
  if (m.manageAll) out.push({ action: 'manage', subject: ALL });
  for (const [subject, row] of Object.entries(m.cells)) {
    for (const a of ACTIONS) {
      const c = row[a];
      if (c === 'all') out.push({ action: a, subject });
      else if (c === 'own') out.push({ action: a, subject, conditions: { owner: '$me' } });
      else if (c === 'custom') out.push(...(m.custom[`${subject}:${a}`] ?? []));
    }
  }
  for (const [subject, fields] of Object.entries(m.hidden))
    if (fields.length) out.push({ action: 'read', subject, fields, inverted: true });
  for (const [subject, fields] of Object.entries(m.readonly))
    if (fields.length) out.push({ action: 'update', subject, fields, inverted: true });
  return [...out, ...m.other];
}

export function describeRule(r: Rule): string {
  return `${r.inverted ? 'cannot' : 'can'} ${r.action} ${r.subject}${r.fields ? ` [${r.fields.join(', ')}]` : ''}${r.conditions ? ` where ${JSON.stringify(r.conditions)}` : ''}`;
}
