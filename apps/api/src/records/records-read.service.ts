/**
 * Reading records: lists (filter, sort, quick search, keyset and offset paging, capped
 * total), single records, the trash. The access scope joins the user's filter in one
 * WHERE clause, so items, total and cursor cover exactly the permitted rows. A page and
 * its link values are one statement; with the session check (AuthService, which also
 * reads the schema version) a page costs two round trips; its total is a third statement,
 * which on a server runs concurrently with the page. `count=estimate` counts exactly up to
 * ESTIMATE_COUNT_CAP matches and gives the planner's estimate beyond (`count=exact`: up to
 * COUNT_CAP), flagged `totalIsEstimate` and never below the rows the request has seen.
 */
import { Inject, Injectable } from '@nestjs/common';
import {
  COUNT_CAP,
  ESTIMATE_COUNT_CAP,
  parseOffset,
  DomainError,
  isUuid,
  parseFilterParam,
  SqlBuilder,
  type FieldMeta,
  type ListParams,
  type TableMeta,
} from '@tabula/schema-engine';
import { DATABASE } from '../database/database.provider.js';
import type { Database, Sql } from '../database/database.js';
import { AccessService, type Access } from '../access/access.service.js';
import { LinkService, type LinkExpand } from '../links/link.service.js';
import { ComputedService } from '../computed/computed.service.js';
import type { CurrentUser } from '../access/current-user.js';
import { IndexAdvisor } from '../jobs/index-advisor.service.js';
import { SchemaService } from '../schema/schema.service.js';
import { WorkspaceService } from '../workspace/workspace.service.js';
import { RecordStore, type RecordRow } from '../store/record-store.js';
import { NO_ROWS, type RightsScope } from '../store/row-scope.js';
import { toWire, type WireRecord } from './record-wire.js';

export interface ListResult {
  items: WireRecord[];
  total: number | null;
  totalIsEstimate: boolean;
  nextCursor: string | null;
}

export interface ListInput extends ListParams {
  count?: unknown;
}

const LIST_KEYS = ['filter', 'sort', 'q', 'limit', 'offset', 'after', 'count', 'expand'];

@Injectable()
export class RecordsReadService {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    private readonly ws: WorkspaceService,
    private readonly schema: SchemaService,
    private readonly store: RecordStore,
    private readonly access: AccessService,
    private readonly advisor: IndexAdvisor,
    private readonly links: LinkService,
    private readonly computed: ComputedService,
  ) {}

  async list(
    user: CurrentUser,
    tableRef: string,
    input: Record<string, unknown>,
    opts: { trashed?: boolean; fromBody?: boolean } = {},
  ): Promise<ListResult> {
    for (const k of Object.keys(input)) {
      if (!LIST_KEYS.includes(k))
        throw new DomainError('VALIDATION_FAILED', `Unknown parameter "${k.slice(0, 40)}"`, {
          [k.slice(0, 40)]: { code: 'UNKNOWN_PARAMETER', message: `known: ${LIST_KEYS.join(', ')}` },
        });
      if (!opts.fromBody && Array.isArray(input[k]))
        throw new DomainError('VALIDATION_FAILED', `"${k}" is given more than once`, {
          [k]: { code: 'REPEATED_PARAMETER', message: 'give it once' },
        });
    }
    const table = await this.schema.table(tableRef, undefined, user.schemaVersion);
    const acc = this.access.forTable(user, table, 'read');
    const params: ListParams = {
      filter: opts.fromBody ? (input.filter ?? undefined) : parseFilterParam(input.filter),
      sort: input.sort,
      q: input.q,
      limit: input.limit,
      offset: input.offset,
      after: input.after,
    };
    const count = input.count;
    if (count !== undefined && count !== 'none' && count !== 'exact' && count !== 'estimate') {
      throw new DomainError('VALIDATION_FAILED', 'count must be "none", "estimate" or "exact"', {
        count: { code: 'INVALID_COUNT', message: 'none, estimate or exact' },
      });
    }
    const q = this.store.listQuery(table, params, acc.scope, { canRead: acc.canRead, trashed: opts.trashed });
    this.noteUse(table, params);
    const linked = this.withLinkColumns(table, acc, input.expand, user, q.text, q.values);
    const mode = count === 'none' ? 'none' : count === 'estimate' ? 'estimate' : 'exact';
    const cap = mode === 'estimate' ? ESTIMATE_COUNT_CAP : COUNT_CAP;
    const countMatches = async () =>
      (await this.db.query<{ n: number }>(mode === 'estimate' ? q.estimateCountText : q.countText, q.countValues))[0]!.n;
    // On a server the count runs beside the page on a second pooled connection (the same
    // WHERE, so the same rights scope); it is wasted only when the page turns out to hold
    // every match. PGlite has one session: there the count follows the page, only if needed.
    const early = mode !== 'none' && this.db.kind === 'postgres' ? countMatches() : undefined;
    early?.catch(() => undefined); // awaited below, or moot if the page fails
    const rows = await this.db.query<RecordRow & Record<string, unknown>>(linked.text, linked.values);
    const hasMore = rows.length > q.limit;
    const page = hasMore ? rows.slice(0, q.limit) : rows;
    let total: number | null = null;
    let totalIsEstimate = false;
    if (mode !== 'none') {
      if (!hasMore && !params.after && !params.offset) {
        total = page.length; // the page holds every match: no second query
      } else {
        total = await (early ?? countMatches());
        if (total > cap) {
          // never below what this request has seen: the capped count, and the rows up to this page's end
          const seen = Math.max(cap + 1, parseOffset(params.offset) + rows.length);
          total = Math.max(await this.estimate(q.explainText, q.countValues), seen);
          totalIsEstimate = true;
        }
      }
    }
    return {
      items: await linked.items(page),
      total,
      totalIsEstimate,
      nextCursor: hasMore ? q.cursorFrom(page[page.length - 1]!) : null,
    };
  }

  async get(user: CurrentUser, tableRef: string, id: string, expand?: unknown): Promise<WireRecord> {
    const table = await this.schema.table(tableRef, undefined, user.schemaVersion);
    const acc = this.access.forTable(user, table, 'read');
    if (!isUuid(id)) throw new DomainError('NOT_FOUND', 'Record not found');
    const one = this.store.oneQuery(table, id, acc.scope);
    const linked = this.withLinkColumns(table, acc, expand, user, one.text, one.values);
    const [row] = await this.db.query<RecordRow & Record<string, unknown>>(linked.text, linked.values);
    if (!row) throw new DomainError('NOT_FOUND', 'Record not found');
    return (await linked.items([row]))[0]!;
  }

  /**
   * The page's statement with its link values in it (one scalar subquery per readable link
   * field, `LinkService.pageColumns`), so a page is one round trip; `items` turns its rows
   * into wire records exactly as `withLinks` does. `expand` is checked before the query.
   */
  private withLinkColumns(
    table: TableMeta,
    acc: Access,
    expand: unknown,
    user: CurrentUser,
    text: string,
    values: unknown[],
  ): { text: string; values: unknown[]; items(rows: (RecordRow & Record<string, unknown>)[]): Promise<WireRecord[]> } {
    const fields = table.fields.filter((f) => f.type === 'link' && acc.canRead(f));
    const toItems = async (rows: RecordRow[]) => {
      const items = rows.map((r) => toWire(table, r, acc.canRead));
      await this.computed.evaluateVolatile(table, items);
      return items;
    };
    if (!fields.length) return { text, values, items: toItems };
    const wanted = parseExpand(expand, fields);
    const b = new SqlBuilder(values.length);
    // the page is a subquery with ORDER BY … LIMIT (never flattened); a projection of scalar
    // subqueries over it keeps its order
    const cols = this.links.pageColumns(b, 'p', fields, wanted.length ? { fields: wanted, rights: this.expandRights(user) } : undefined);
    return {
      text: `SELECT p.*, ${cols.select.join(', ')} FROM (${text}) p`,
      values: [...values, ...b.values],
      items: async (rows) => {
        const items = await toItems(rows);
        rows.forEach((row, i) => {
          const v = cols.decode(row);
          const item = items[i]!;
          for (const f of fields) item.data[f.key] = (v[f.key] ?? []).map((x) => x.id);
          if (wanted.length) item.expanded = Object.fromEntries(wanted.map((f) => [f.key, v[f.key] ?? []]));
        });
        return items;
      },
    };
  }

  /** The reader's rights on linked tables, for `expand`. */
  private expandRights(user: CurrentUser): LinkExpand {
    return {
      scope: (t) => this.readScopeOrNothing(user, t),
      canRead: (t, f) => {
        try {
          return this.access.forTable(user, t, 'read').canRead(f);
        } catch {
          return false;
        }
      },
    };
  }

  /**
   * Wire records with their link values (first 100 live ids per link field, one query per
   * link field for the whole page), for rows read without them (the write path's answers).
   * `expand` ("links" or field keys) adds `expanded`: the linked records' primary values
   * where the reader may read them.
   */
  async withLinks(sql: Sql, table: TableMeta, rows: RecordRow[], acc: Access, expand?: unknown, user?: CurrentUser): Promise<WireRecord[]> {
    const items = rows.map((r) => toWire(table, r, acc.canRead));
    await this.computed.evaluateVolatile(table, items);
    const fields = table.fields.filter((f) => f.type === 'link' && acc.canRead(f));
    if (!fields.length || !rows.length) return items;
    const wanted = parseExpand(expand, fields);
    const values = await this.links.load(
      sql,
      table,
      rows.map((r) => r.id),
      fields,
      wanted.length && user ? this.expandRights(user) : undefined,
    );
    for (const item of items) {
      const v = values.get(item.id) ?? {};
      for (const f of fields) item.data[f.key] = (v[f.key] ?? []).map((x) => x.id);
      if (wanted.length) item.expanded = Object.fromEntries(wanted.map((f) => [f.key, v[f.key] ?? []]));
    }
    return items;
  }

  /** The read scope of a linked table; a table the user may not read matches nothing. */
  private readScopeOrNothing(user: CurrentUser, t: TableMeta): RightsScope {
    try {
      return this.access.forTable(user, t, 'read').scope;
    } catch {
      return NO_ROWS;
    }
  }

  /** The planner's estimate of the matches (its row estimate for the WHERE, with the advisor's expression statistics). */
  private async estimate(explainText: string, values: unknown[]): Promise<number> {
    const [row] = await this.db.query<{ 'QUERY PLAN': unknown }>(explainText, values);
    const plan = row?.['QUERY PLAN'];
    const parsed = typeof plan === 'string' ? JSON.parse(plan) : plan;
    const rows = Number(parsed?.[0]?.Plan?.['Plan Rows']);
    return Number.isFinite(rows) ? Math.round(rows) : 0;
  }

  private noteUse(table: TableMeta, params: ListParams): void {
    this.advisor.noteList(table, params);
  }
}

function parseExpand(expand: unknown, fields: FieldMeta[]): FieldMeta[] {
  if (expand === undefined || expand === null || expand === '') return [];
  if (typeof expand !== 'string')
    throw new DomainError('VALIDATION_FAILED', 'expand is "links" or a comma-separated list of link fields', {
      expand: { code: 'INVALID_EXPAND', message: 'links or link field keys' },
    });
  if (expand === 'links') return fields;
  const keys = expand.split(',').map((k) => k.trim());
  return keys.map((k) => {
    const f = fields.find((x) => x.key === k);
    if (!f) throw new DomainError('UNKNOWN_FIELD', `Unknown link field ${JSON.stringify(k.slice(0, 60))}`, { field: k.slice(0, 60) });
    return f;
  });
}
