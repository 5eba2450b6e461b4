/**
 * The instance's one workspace (v1). Every row still carries workspace_id so that
 * `/api/w/:ws/…` can come later without moving data.
 */
import { Inject, Injectable } from '@nestjs/common';
import { uuidv7, type ValueContext } from '@tabula/schema-engine';
import { DATABASE } from '../database/database.provider.js';
import type { Database } from '../database/database.js';

export interface WorkspaceInfo {
  id: string;
  name: string;
  baseCurrency: string;
  timeZone: string;
  locale: string;
}

@Injectable()
export class WorkspaceService {
  private info: WorkspaceInfo | undefined;

  constructor(@Inject(DATABASE) private readonly db: Database) {}

  async init(): Promise<WorkspaceInfo> {
    await this.db.tx(async (sql) => {
      const rows = await sql.query(`SELECT id FROM workspace ORDER BY created_at LIMIT 1`);
      if (!rows.length) await sql.exec(`INSERT INTO workspace (id, name) VALUES ($1, 'Tabula')`, [uuidv7()]);
    });
    return this.reload();
  }

  async reload(): Promise<WorkspaceInfo> {
    const [row] = await this.db.query<{ id: string; name: string; base_currency: string; time_zone: string; locale: string }>(
      `SELECT id, name, base_currency, time_zone, locale FROM workspace ORDER BY created_at LIMIT 1`,
    );
    this.info = { id: row!.id, name: row!.name, baseCurrency: row!.base_currency, timeZone: row!.time_zone, locale: row!.locale };
    return this.info;
  }

  get current(): WorkspaceInfo {
    if (!this.info) throw new Error('workspace not initialised');
    return this.info;
  }

  get id(): string {
    return this.current.id;
  }

  /** Dates relative to today, in the workspace's time zone. */
  valueContext(): ValueContext {
    const tz = this.current.timeZone;
    return {
      timeZone: tz,
      now: () => new Date(),
      today: () => new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date()),
    };
  }
}
