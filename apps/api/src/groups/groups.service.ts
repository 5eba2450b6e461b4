/**
 * Groups of users: what `"$myGroups"` in a rule stands for (their ids and names). Renaming
 * or deleting a group changes rights, so it is logged like any rights change.
 */
import { Inject, Injectable } from '@nestjs/common';
import { DomainError, isUuid, uuidv7 } from '@tabula/schema-engine';
import { DATABASE } from '../database/database.provider.js';
import type { Database, Sql } from '../database/database.js';
import { AuthService } from '../auth/auth.service.js';
import type { CurrentUser } from '../access/current-user.js';
import { bodyWithKeys, beginRightsChange, parseName } from '../access/rights-admin.js';
import { WorkspaceService } from '../workspace/workspace.service.js';

export interface GroupOut {
  id: string;
  name: string;
  members: number;
}

@Injectable()
export class GroupsService {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    private readonly ws: WorkspaceService,
    private readonly auth: AuthService,
  ) {}

  async list(): Promise<GroupOut[]> {
    return this.query(this.db);
  }

  async create(actor: CurrentUser, body: unknown, address: string): Promise<GroupOut> {
    const b = bodyWithKeys(body, ['name'], 'the group');
    const name = parseName(b.name, 'name', 100);
    const id = uuidv7();
    await this.db.tx(async (sql) => {
      await beginRightsChange(sql, this.ws.id);
      await this.assertNameFree(sql, name);
      await sql.exec(`INSERT INTO app_group (workspace_id, id, name) VALUES ($1, $2, $3)`, [this.ws.id, id, name]);
      await this.auth.securityEvent(sql, 'group_created', null, actor.id, address, { group: id, name });
    });
    return (await this.query(this.db, id))[0]!;
  }

  async update(actor: CurrentUser, ref: string, body: unknown, address: string): Promise<GroupOut> {
    const b = bodyWithKeys(body, ['name'], 'the group');
    const name = b.name === undefined ? undefined : parseName(b.name, 'name', 100);
    let id = '';
    await this.db.tx(async (sql) => {
      await beginRightsChange(sql, this.ws.id);
      const cur = await this.find(sql, ref);
      id = cur.id;
      if (name !== undefined && name !== cur.name) {
        await this.assertNameFree(sql, name);
        await sql.exec(`UPDATE app_group SET name = $3 WHERE workspace_id = $1 AND id = $2`, [this.ws.id, cur.id, name]);
        await this.auth.securityEvent(sql, 'group_updated', null, actor.id, address, { group: cur.id, name: { from: cur.name, to: name } });
      }
    });
    return (await this.query(this.db, id))[0]!;
  }

  async remove(actor: CurrentUser, ref: string, address: string): Promise<void> {
    await this.db.tx(async (sql) => {
      await beginRightsChange(sql, this.ws.id);
      const cur = await this.find(sql, ref);
      await sql.exec(`DELETE FROM app_group WHERE workspace_id = $1 AND id = $2`, [this.ws.id, cur.id]);
      await this.auth.securityEvent(sql, 'group_deleted', null, actor.id, address, { group: cur.id, name: cur.name });
    });
  }

  private async find(sql: Sql, ref: string): Promise<{ id: string; name: string }> {
    const rows = await sql.query<{ id: string; name: string }>(
      `SELECT id::text AS id, name FROM app_group WHERE workspace_id = $1 AND (${isUuid(ref) ? 'id = $2::uuid' : 'name = $2'})`,
      [this.ws.id, isUuid(ref) ? ref.toLowerCase() : ref],
    );
    if (!rows[0]) throw new DomainError('NOT_FOUND', 'Group not found');
    return rows[0];
  }

  private async assertNameFree(sql: Sql, name: string): Promise<void> {
    const dup = await sql.query(`SELECT 1 FROM app_group WHERE workspace_id = $1 AND name = $2`, [this.ws.id, name]);
    if (dup.length) throw new DomainError('UNIQUE_VIOLATION', `A group named "${name}" already exists`, { field: 'name' });
  }

  private query(sql: Sql, id?: string): Promise<GroupOut[]> {
    return sql.query<GroupOut>(
      `SELECT g.id, g.name, (SELECT count(*)::int FROM user_group ug WHERE ug.workspace_id = g.workspace_id AND ug.group_id = g.id) AS members
         FROM app_group g WHERE g.workspace_id = $1 ${id ? 'AND g.id = $2' : ''} ORDER BY g.name COLLATE "und-x-icu", g.id`,
      id ? [this.ws.id, id] : [this.ws.id],
    );
  }
}
