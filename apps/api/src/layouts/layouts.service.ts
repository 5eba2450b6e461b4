/**
 * Card and table layouts of a table, stored with field ids. One layout of each kind serves
 * everyone: an administrator designs it against the whole table, and each reader gets it
 * cut to the fields and linked tables they may read (layout-spec.ts). Saved views are in
 * views.service.ts.
 */
import { Inject, Injectable } from '@nestjs/common';
import type { TableMeta } from '@tabula/schema-engine';
import { DATABASE } from '../database/database.provider.js';
import type { Database } from '../database/database.js';
import { SchemaService } from '../schema/schema.service.js';
import { WorkspaceService } from '../workspace/workspace.service.js';
import {
  cardForReader,
  defaultCardSpec,
  defaultTableSpec,
  parseCardSpec,
  parseTableSpec,
  specToIds,
  specToKeys,
  tableForReader,
  type CardSpec,
  type TableSpec,
} from './layout-spec.js';
import type { LayoutBody } from './layouts.dto.js';

/** What a reader may see of a table: its readable fields, and which linked tables they may read. */
export interface LayoutReader {
  readable: TableMeta;
  canReadTable(tableId: string): boolean;
}

@Injectable()
export class LayoutsService {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    private readonly ws: WorkspaceService,
    private readonly schema: SchemaService,
  ) {}

  /** The layout as designed, or as `reader` may see it. */
  async getLayout(
    tableRef: string,
    kind: 'card' | 'table',
    reader?: LayoutReader,
  ): Promise<{ kind: string; spec: unknown; saved: boolean }> {
    const table = await this.schema.table(tableRef);
    const [row] = await this.db.query<{ spec: unknown }>(
      `SELECT spec FROM layout WHERE workspace_id = $1 AND table_id = $2 AND kind = $3`,
      [this.ws.id, table.id, kind],
    );
    const spec = row ? specToKeys(table, row.spec) : kind === 'card' ? defaultCardSpec(table) : defaultTableSpec(table);
    if (!reader) return { kind, spec, saved: !!row };
    const cut =
      kind === 'card'
        ? cardForReader(spec as CardSpec, reader.readable, (id) => reader.canReadTable(id))
        : tableForReader(spec as TableSpec, reader.readable);
    return { kind, spec: cut, saved: !!row };
  }

  async putLayout(tableRef: string, kind: 'card' | 'table', body: LayoutBody): Promise<{ kind: string; spec: unknown; saved: boolean }> {
    const table = await this.schema.table(tableRef);
    const spec = kind === 'card' ? parseCardSpec(table, body.spec) : parseTableSpec(table, body.spec);
    await this.db.exec(
      `INSERT INTO layout (workspace_id, table_id, kind, spec) VALUES ($1, $2, $3, $4::jsonb)
       ON CONFLICT (workspace_id, table_id, kind) DO UPDATE SET spec = EXCLUDED.spec, updated_at = now()`,
      [this.ws.id, table.id, kind, JSON.stringify(specToIds(table, spec))],
    );
    return { kind, spec, saved: true };
  }
}
