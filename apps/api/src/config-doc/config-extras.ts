/**
 * Phase 3 of validating a configuration document: card and table layouts, saved views and
 * roles, checked against the model of the tables (inverse links included, computed fields
 * typed) by the parsers that serve `PUT …/layouts/:kind`, `POST …/views` and
 * `POST /api/roles`, and returned in the form GET /api/config answers.
 */
import {
  compileFilter,
  compileSort,
  DomainError,
  parseRules,
  rulesToWire,
  SqlBuilder,
  type TableMeta,
  type ValueContext,
} from '@tabula/schema-engine';
import { parseCardSpec, parseTableSpec } from '../layouts/layout-spec.js';
import {
  badIssue,
  issueOf,
  MAX_VIEWS,
  ROLE_KEYS,
  throwIssues,
  unknownKeys,
  VIEW_KEYS,
  type ConfigIssue,
  type ConfigLayouts,
  type ConfigRole,
  type ConfigView,
} from './config-doc.types.js';
import { isPlainObject } from '@tabula/schema-engine';
import type { ConfigModel } from './config-validate.js';

const bad = badIssue;

/** `{tableKey: value}` sections: an object whose keys are tables of the document. */
function perTable(raw: unknown, section: string, model: ConfigModel, issues: ConfigIssue[]): [TableMeta, unknown][] {
  if (raw === undefined || raw === null) return [];
  if (!isPlainObject(raw)) {
    issues.push(bad(section, `${section} must be an object keyed by table key`));
    return [];
  }
  const out: [TableMeta, unknown][] = [];
  for (const [key, v] of Object.entries(raw)) {
    const table = model.byKey.get(key);
    if (!table) issues.push(bad(`${section}.${key.slice(0, 80)}`, `"${key.slice(0, 80)}" is not a table of the document`, 'UNKNOWN_TABLE'));
    else out.push([table, v]);
  }
  // in the order of the tables, whatever the order of the keys
  return out.sort((a, b) => a[0].position - b[0].position);
}

function parseLayouts(raw: unknown, model: ConfigModel, issues: ConfigIssue[]): Record<string, ConfigLayouts> {
  const out: Record<string, ConfigLayouts> = {};
  for (const [table, v] of perTable(raw, 'layouts', model, issues)) {
    const at = `layouts.${table.key}`;
    if (!isPlainObject(v)) {
      issues.push(bad(at, 'layouts of a table are {card?, table?}'));
      continue;
    }
    if (unknownKeys(v, ['card', 'table'], at, issues)) continue;
    const layouts: ConfigLayouts = {};
    try {
      if (v.card !== undefined) layouts.card = parseCardSpec(table, v.card);
    } catch (e) {
      issues.push(issueOf(`${at}.card`, e));
    }
    try {
      if (v.table !== undefined) layouts.table = parseTableSpec(table, v.table);
    } catch (e) {
      issues.push(issueOf(`${at}.table`, e));
    }
    if (layouts.card !== undefined || layouts.table !== undefined) out[table.key] = layouts;
  }
  return out;
}

/** `-date, +name` → `-date,name`, as a saved view answers it. */
function normalSort(sort: string): string | null {
  const parts = sort
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => (p.startsWith('-') ? '-' : '') + p.replace(/^[-+]/, ''));
  return parts.length ? parts.join(',') : null;
}

function parseView(table: TableMeta, v: unknown, ctx: ValueContext): ConfigView {
  if (!isPlainObject(v)) throw new DomainError('VALIDATION_FAILED', 'a view is {name, filter?, sort?, columns?}');
  const extra = Object.keys(v).filter((k) => !(VIEW_KEYS as readonly string[]).includes(k));
  if (extra.length)
    throw new DomainError('VALIDATION_FAILED', `unknown key "${extra[0]!.slice(0, 80)}" in a view`, {
      [extra[0]!.slice(0, 80)]: { code: 'UNKNOWN_KEY', message: `allowed: ${VIEW_KEYS.join(', ')}` },
    });
  if (typeof v.name !== 'string' || !v.name.trim() || v.name.length > 100)
    throw new DomainError('VALIDATION_FAILED', 'a view needs a name of at most 100 characters', {
      name: { code: 'INVALID_NAME', message: '1–100 characters' },
    });
  if (v.sort !== undefined && v.sort !== null && typeof v.sort !== 'string')
    throw new DomainError('VALIDATION_FAILED', 'sort is text such as "-date,name"', {
      sort: { code: 'INVALID_SORT', message: 'must be text' },
    });
  const filter = v.filter ?? null;
  if (filter !== null) compileFilter(table, filter, { alias: 'r', sql: new SqlBuilder(), ...ctx });
  const sort = typeof v.sort === 'string' ? normalSort(v.sort) : null;
  if (sort !== null) compileSort(table, sort, { alias: 'r', sql: new SqlBuilder() });
  const columns = v.columns === undefined || v.columns === null ? null : parseTableSpec(table, { columns: v.columns }).columns;
  return { name: v.name.trim(), filter, sort, columns };
}

function parseViews(raw: unknown, model: ConfigModel, ctx: ValueContext, issues: ConfigIssue[]): Record<string, ConfigView[]> {
  const out: Record<string, ConfigView[]> = {};
  for (const [table, list] of perTable(raw, 'views', model, issues)) {
    const at = `views.${table.key}`;
    if (!Array.isArray(list) || list.length > MAX_VIEWS) {
      issues.push(bad(at, `views of a table are an array of at most ${MAX_VIEWS} views`));
      continue;
    }
    const views: ConfigView[] = [];
    list.forEach((v, i) => {
      try {
        const view = parseView(table, v, ctx);
        if (views.some((x) => x.name === view.name))
          issues.push({
            at: `${at}[${i}]`,
            code: 'VALIDATION_FAILED',
            message: `a view named "${view.name}" appears twice`,
            details: { name: view.name, code: 'DUPLICATE' },
          });
        else views.push(view);
      } catch (e) {
        issues.push(issueOf(`${at}[${i}]`, e));
      }
    });
    if (views.length) out[table.key] = views;
  }
  return out;
}

function parseRoles(raw: unknown, model: ConfigModel, ctx: ValueContext, issues: ConfigIssue[]): ConfigRole[] | undefined {
  if (raw === undefined) return undefined;
  if (!Array.isArray(raw) || raw.length > 200) {
    issues.push(bad('roles', 'roles must be an array of {name, rules}'));
    return undefined;
  }
  const out: ConfigRole[] = [];
  raw.forEach((r, i) => {
    let at = `roles[${i}]`;
    if (!isPlainObject(r)) return void issues.push(bad(at, 'a role is {name, rules}'));
    if (typeof r.name === 'string') at = `roles.${r.name.slice(0, 100)}`;
    if (unknownKeys(r, ROLE_KEYS, at, issues)) return;
    if (typeof r.name !== 'string' || !r.name.trim() || r.name.length > 100 || /[\r\n\u0000]/.test(r.name))
      return void issues.push(bad(`${at}.name`, 'a role name is one line of 1 to 100 characters', 'INVALID_NAME'));
    const name = r.name.trim();
    if (out.some((x) => x.name === name))
      return void issues.push({
        at,
        code: 'VALIDATION_FAILED',
        message: `the role "${name}" appears twice`,
        details: { name, code: 'DUPLICATE' },
      });
    try {
      // stored form against the model, back to wire form: the rules as GET /api/roles would show them
      out.push({ name, rules: rulesToWire(parseRules(r.rules ?? [], model.tables, ctx), model.tables) });
    } catch (e) {
      issues.push(issueOf(at, e));
    }
  });
  return out;
}

export function validateExtras(
  input: Record<string, unknown>,
  model: ConfigModel,
  ctx: ValueContext,
): { layouts: Record<string, ConfigLayouts>; views: Record<string, ConfigView[]>; roles?: ConfigRole[] } {
  const issues: ConfigIssue[] = [];
  const layouts = parseLayouts(input.layouts, model, issues);
  const views = parseViews(input.views, model, ctx, issues);
  const roles = parseRoles(input.roles, model, ctx, issues);
  throwIssues(issues);
  return { layouts, views, ...(roles ? { roles } : {}) };
}
