/**
 * Configuration as a document (docs/configuration.md): the whole design of the workspace
 * exported as one JSON document, and a document applied to an empty workspace.
 *
 * Applying is ONE transaction: every TablesService, LayoutsService, ViewsService and
 * RolesService call made inside it joins it (Database.tx nests through the async context), so a failure at
 * any step — or a crash — leaves the workspace as it was. The document is validated as a
 * whole before the transaction opens (config-validate.ts), so failures there are rare.
 * Order: workspace settings, tables with their plain fields, links (their inverses come
 * with them), computed fields in dependency order, primary fields, field order, layouts,
 * views, roles.
 *
 * On a workspace that has tables, PUT changes nothing and answers the differences.
 */
import { AsyncResource } from 'node:async_hooks';
import { Inject, Injectable } from '@nestjs/common';
import { DomainError, isDerived } from '@tabula/schema-engine';
import { DATABASE } from '../database/database.provider.js';
import type { Database, Sql } from '../database/database.js';
import type { CurrentUser } from '../access/current-user.js';
import { JobsService } from '../jobs/jobs.service.js';
import { LayoutsService } from '../layouts/layouts.service.js';
import { ViewsService } from '../layouts/views.service.js';
import { RolesService } from '../roles/roles.service.js';
import { SchemaService } from '../schema/schema.service.js';
import { TablesService } from '../tables/tables.service.js';
import { WorkspaceService } from '../workspace/workspace.service.js';
import { diffConfig, sameJson } from './config-diff.js';
import { type ConfigDifference, type ConfigDocument, type ConfigField, type ConfigLayouts, type ConfigView } from './config-doc.types.js';
import { isPlainObject } from '@tabula/schema-engine';
import { exportConfig } from './config-export.js';
import { validateConfig, type ConfigPlan } from './config-validate.js';

export interface ApplySummary {
  applied: true;
  created: { tables: number; fields: number; layouts: number; views: number; roles: number };
}

export interface DifferencesReport {
  applied: false;
  differences: ConfigDifference[];
}

const fieldBody = (f: ConfigField) => ({
  key: f.key,
  label: f.label,
  type: f.type,
  options: f.options,
  required: f.required,
  unique: f.unique,
  default: f.default,
  searchable: f.searchable,
});

/** Runs a step of the apply; its error names where in the document it happened. */
async function step<T>(at: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (!(e instanceof DomainError)) throw e;
    const details = isPlainObject(e.details) ? e.details : e.details === undefined ? {} : { cause: e.details };
    throw new DomainError(e.code, `${at}: ${e.message}`, { ...details, at });
  }
}

@Injectable()
export class ConfigDocService {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    private readonly ws: WorkspaceService,
    private readonly schema: SchemaService,
    private readonly tables: TablesService,
    private readonly layouts: LayoutsService,
    private readonly views: ViewsService,
    private readonly roles: RolesService,
    private readonly jobs: JobsService,
  ) {}

  /** The stored configuration as a document (GET /api/config). */
  async export(): Promise<ConfigDocument> {
    const tables = await this.schema.list();
    const layouts = new Map<string, ConfigLayouts>();
    const views = new Map<string, ConfigView[]>();
    for (const t of tables) {
      const l: ConfigLayouts = {};
      for (const kind of ['card', 'table'] as const) {
        const got = await this.layouts.getLayout(t.id, kind);
        if (got.saved) l[kind] = got.spec;
      }
      layouts.set(t.id, l);
      views.set(
        t.id,
        (await this.views.list(t)).items.map((v) => ({
          name: v.name,
          filter: v.filter ?? null,
          sort: v.sort ?? null,
          columns: v.columns ?? null,
        })),
      );
    }
    const roles = (await this.roles.list()).map((r) => ({ name: r.name, rules: r.rules as unknown[] }));
    return exportConfig({ workspace: this.ws.current, tables, layouts, views, roles });
  }

  /** PUT /api/config: applies to an empty workspace, else reports the differences. */
  async put(body: unknown, user: CurrentUser, address: string): Promise<ApplySummary | DifferencesReport> {
    const plan = validateConfig(body, this.ws.valueContext());
    if ((await this.schema.list()).length > 0) return { applied: false, differences: diffConfig(await this.export(), plan.doc) };
    return this.apply(plan, user, address);
  }

  private async apply(plan: ConfigPlan, user: CurrentUser, address: string): Promise<ApplySummary> {
    const { doc } = plan;
    const outside = new AsyncResource('tabula.config-apply');
    try {
      return await this.db.tx(async (sql) => {
        await this.holdJobs(sql, outside);
        const [row] = await sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM meta_table WHERE workspace_id = $1`, [this.ws.id]);
        if (row!.n > 0)
          throw new DomainError('CONFLICT', 'The workspace got tables while the configuration was being applied; nothing was changed');
        if (doc.workspace && Object.keys(doc.workspace).length) await this.applyWorkspace(sql, doc);
        const created = { tables: 0, fields: 0, layouts: 0, views: 0, roles: 0 };

        for (const t of doc.tables) {
          const plain = t.fields.filter((f) => f.type !== 'link' && !isDerived(f));
          const primary = t.primaryField !== null && plain.some((f) => f.key === t.primaryField) ? { primaryField: t.primaryField } : {};
          await step(`tables.${t.key}`, () => this.tables.create({ key: t.key, label: t.label, ...primary, fields: plain.map(fieldBody) }));
          created.tables++;
          created.fields += plain.length;
        }
        for (const t of doc.tables) {
          for (const f of t.fields.filter((x) => x.type === 'link')) {
            await step(`tables.${t.key}.fields.${f.key}`, () => this.tables.addField(t.key, fieldBody(f)));
            created.fields++;
          }
        }
        for (const c of plan.computed) {
          await step(`tables.${c.table}.fields.${c.field.key}`, () => this.tables.addField(c.table, fieldBody(c.field)));
          created.fields++;
        }
        for (const t of doc.tables)
          await this.arrange(
            t.key,
            t.primaryField,
            t.fields.map((f) => f.key),
          );

        for (const [key, l] of Object.entries(doc.layouts)) {
          for (const kind of ['card', 'table'] as const) {
            if (l[kind] === undefined) continue;
            await step(`layouts.${key}.${kind}`, () => this.layouts.putLayout(key, kind, { spec: l[kind] }));
            created.layouts++;
          }
        }
        for (const [key, views] of Object.entries(doc.views)) {
          for (const v of views) {
            // views in the configuration are shared ones, written against the whole table
            await step(`views.${key}.${v.name}`, async () => {
              const table = await this.schema.table(key);
              return this.views.create(table, v, { id: user.id, mayShare: true, readable: table });
            });
            created.views++;
          }
        }
        created.roles = await this.applyRoles(doc, user, address);
        return { applied: true as const, created };
      });
    } finally {
      // a rolled-back apply leaves the caches ahead of the database: reload both
      await this.schema.fresh();
      if (doc.workspace) await this.ws.reload();
    }
  }

  /**
   * Recompute jobs enqueued by the TablesService calls inside this transaction must run
   * after it commits, never inside it: the job poller started by their `kick()` would
   * inherit this transaction's async context and keep using its connection after the
   * commit. So the job table is locked for the transaction (pollers' claims wait; plain
   * reads of jobs go on) and the poller is woken from OUTSIDE the transaction: its claim
   * waits for the commit, and while it waits, every later kick only marks it to run again.
   * (Remove once JobsService.kick() detaches from the caller's transaction itself.)
   */
  private async holdJobs(sql: Sql, outside: AsyncResource): Promise<void> {
    await sql.query(`SELECT 1 FROM workspace WHERE id = $1 FOR UPDATE`, [this.ws.id]);
    await sql.exec(`LOCK TABLE job IN EXCLUSIVE MODE`);
    outside.runInAsyncScope(() => this.jobs.kick());
  }

  private async applyWorkspace(sql: Sql, doc: ConfigDocument): Promise<void> {
    const w = doc.workspace!;
    await sql.exec(
      `UPDATE workspace SET name = COALESCE($2, name), base_currency = COALESCE($3, base_currency), time_zone = COALESCE($4, time_zone), locale = COALESCE($5, locale) WHERE id = $1`,
      [this.ws.id, w.name ?? null, w.baseCurrency ?? null, w.timeZone ?? null, w.locale ?? null],
    );
  }

  /** The primary field, and the fields in the document's order (inverse links after them). */
  private async arrange(tableKey: string, primaryField: string | null, order: string[]): Promise<void> {
    let table = await this.schema.table(tableKey);
    if (primaryField !== null && table.fields.find((f) => f.id === table.primaryFieldId)?.key !== primaryField) {
      await step(`tables.${tableKey}.primaryField`, () => this.tables.update(tableKey, { primaryField }));
      table = await this.schema.table(tableKey);
    }
    const rest = [...table.fields].sort((a, b) => a.position - b.position).filter((f) => !order.includes(f.key));
    const wanted = [...order.map((k) => table.fields.find((f) => f.key === k)!), ...rest];
    for (const [i, f] of wanted.entries()) {
      if (f.position !== i)
        await step(`tables.${tableKey}.fields.${f.key}`, () => this.tables.updateField(tableKey, f.key, { position: i }, false));
    }
  }

  /** Roles of the document: new ones are created, shipped or existing ones get the document's rules. */
  private async applyRoles(doc: ConfigDocument, user: CurrentUser, address: string): Promise<number> {
    if (!doc.roles) return 0;
    const existing = new Map((await this.roles.list()).map((r) => [r.name, r]));
    let n = 0;
    for (const r of doc.roles) {
      const cur = existing.get(r.name);
      if (cur && sameJson(cur.rules, r.rules)) continue;
      await step(`roles.${r.name}`, () =>
        cur
          ? this.roles.update(user, cur.id, { rules: r.rules }, address)
          : this.roles.create(user, { name: r.name, rules: r.rules }, address),
      );
      n++;
    }
    return n;
  }
}
