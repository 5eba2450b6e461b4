/**
 * Accounts, for administrators: create, change, deactivate and delete users, set their
 * roles, groups and attributes, and set a new password for a user who forgot theirs.
 * A new password or deactivation ends the user's sessions; role, group and attribute
 * changes need no revocation: every change bumps the rights version (beginRightsChange),
 * which drops the cached rights of every process on its next request. Every change is written to
 * the security log, and no change may leave the workspace without an active administrator.
 */
import { Inject, Injectable } from '@nestjs/common';
import { DomainError, isUuid, uuidv7 } from '@tabula/schema-engine';
import { DATABASE } from '../database/database.provider.js';
import type { Database, Sql } from '../database/database.js';
import { AuthService, type PublicUser } from '../auth/auth.service.js';
import type { CurrentUser } from '../access/current-user.js';
import { hashPassword } from '../auth/password.js';
import { assertAdministratorRemains, beginRightsChange, resolveRefs } from '../access/rights-admin.js';
import { WorkspaceService } from '../workspace/workspace.service.js';
import { parseUserBody } from './user-body.js';

export interface UserOut extends PublicUser {
  createdAt: string;
  updatedAt: string;
}

interface UserRow {
  id: string;
  email: string;
  name: string;
  attributes: Record<string, unknown>;
  active: boolean;
  created_at: Date | string;
  updated_at: Date | string;
  roles: string[] | null;
  groups: string[] | null;
}

const iso = (v: Date | string) => (v instanceof Date ? v : new Date(v)).toISOString();

@Injectable()
export class UsersService {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    private readonly ws: WorkspaceService,
    private readonly auth: AuthService,
  ) {}

  async list(): Promise<UserOut[]> {
    return (await this.query(this.db)).map(toOut);
  }

  async get(id: string): Promise<UserOut> {
    const [row] = isUuid(id) ? await this.query(this.db, id.toLowerCase()) : [];
    if (!row) throw new DomainError('NOT_FOUND', 'User not found');
    return toOut(row);
  }

  async create(actor: CurrentUser, body: unknown, address: string): Promise<UserOut> {
    const input = parseUserBody(body, 'create');
    const hash = await hashPassword(input.password!);
    const id = uuidv7();
    await this.db.tx(async (sql) => {
      await beginRightsChange(sql, this.ws.id);
      await this.assertEmailFree(sql, input.email!);
      const roles = input.roles === undefined ? [] : resolveRefs(input.roles, await this.refs(sql, 'role'), 'roles');
      const groups = input.groups === undefined ? [] : resolveRefs(input.groups, await this.refs(sql, 'app_group'), 'groups');
      await sql.exec(
        `INSERT INTO app_user (workspace_id, id, email, name, password_hash, attributes, active) VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7)`,
        [this.ws.id, id, input.email, input.name ?? input.email, hash, JSON.stringify(input.attributes ?? {}), input.active ?? true],
      );
      await this.setMemberships(sql, id, roles, groups);
      await this.auth.securityEvent(sql, 'user_created', id, actor.id, address, {
        email: input.email,
        roles: input.roles ?? [],
        groups: input.groups ?? [],
        attributes: input.attributes ?? {},
        active: input.active ?? true,
      });
    });
    return this.get(id);
  }

  async update(actor: CurrentUser, id: string, body: unknown, address: string): Promise<UserOut> {
    const input = parseUserBody(body, 'update');
    const hash = input.password !== undefined ? await hashPassword(input.password) : undefined;
    await this.db.tx(async (sql) => {
      await beginRightsChange(sql, this.ws.id);
      const [cur] = isUuid(id) ? await this.query(sql, id.toLowerCase()) : [];
      if (!cur) throw new DomainError('NOT_FOUND', 'User not found');
      if (input.email !== undefined && input.email !== cur.email) await this.assertEmailFree(sql, input.email);
      await sql.exec(
        `UPDATE app_user SET email = COALESCE($3, email), name = COALESCE($4, name), password_hash = COALESCE($5, password_hash),
                attributes = COALESCE($6::jsonb, attributes), active = COALESCE($7, active), updated_at = now()
          WHERE workspace_id = $1 AND id = $2`,
        [
          this.ws.id,
          cur.id,
          input.email ?? null,
          input.name ?? null,
          hash ?? null,
          input.attributes === undefined ? null : JSON.stringify(input.attributes),
          input.active ?? null,
        ],
      );
      const roles = input.roles === undefined ? undefined : resolveRefs(input.roles, await this.refs(sql, 'role'), 'roles');
      const groups = input.groups === undefined ? undefined : resolveRefs(input.groups, await this.refs(sql, 'app_group'), 'groups');
      await this.setMemberships(sql, cur.id, roles, groups);
      if (hash !== undefined || input.active === false) await this.auth.revokeSessions(sql, cur.id);
      await assertAdministratorRemains(sql, this.ws.id);
      const changed = Object.keys(input).filter((k) => k !== 'password');
      if (changed.length) {
        await this.auth.securityEvent(sql, 'user_updated', cur.id, actor.id, address, {
          changed,
          ...(input.roles !== undefined ? { roles: { from: cur.roles ?? [], to: input.roles } } : {}),
          ...(input.groups !== undefined ? { groups: { from: cur.groups ?? [], to: input.groups } } : {}),
          ...(input.attributes !== undefined ? { attributes: { from: cur.attributes, to: input.attributes } } : {}),
          ...(input.active !== undefined ? { active: { from: cur.active, to: input.active } } : {}),
        });
      }
      if (hash !== undefined) await this.auth.securityEvent(sql, 'password_reset', cur.id, actor.id, address);
    });
    return this.get(id);
  }

  async remove(actor: CurrentUser, id: string, address: string): Promise<void> {
    await this.db.tx(async (sql) => {
      await beginRightsChange(sql, this.ws.id);
      const [cur] = isUuid(id) ? await this.query(sql, id.toLowerCase()) : [];
      if (!cur) throw new DomainError('NOT_FOUND', 'User not found');
      await sql.exec(`DELETE FROM app_user WHERE workspace_id = $1 AND id = $2`, [this.ws.id, cur.id]);
      await assertAdministratorRemains(sql, this.ws.id);
      await this.auth.securityEvent(sql, 'user_deleted', cur.id, actor.id, address, { email: cur.email, roles: cur.roles ?? [] });
    });
  }

  private async assertEmailFree(sql: Sql, email: string): Promise<void> {
    const dup = await sql.query(`SELECT 1 FROM app_user WHERE workspace_id = $1 AND email = $2`, [this.ws.id, email]);
    if (dup.length) throw new DomainError('UNIQUE_VIOLATION', 'Another user has this email address', { field: 'email' });
  }

  private async refs(sql: Sql, table: 'role' | 'app_group'): Promise<{ id: string; name: string }[]> {
    return sql.query(`SELECT id::text AS id, name FROM ${table} WHERE workspace_id = $1`, [this.ws.id]);
  }

  private async setMemberships(sql: Sql, userId: string, roles: string[] | undefined, groups: string[] | undefined): Promise<void> {
    if (roles !== undefined) {
      await sql.exec(`DELETE FROM user_role WHERE workspace_id = $1 AND user_id = $2`, [this.ws.id, userId]);
      if (roles.length)
        await sql.exec(`INSERT INTO user_role (workspace_id, user_id, role_id) SELECT $1, $2, unnest($3::uuid[])`, [
          this.ws.id,
          userId,
          roles,
        ]);
    }
    if (groups !== undefined) {
      await sql.exec(`DELETE FROM user_group WHERE workspace_id = $1 AND user_id = $2`, [this.ws.id, userId]);
      if (groups.length)
        await sql.exec(`INSERT INTO user_group (workspace_id, user_id, group_id) SELECT $1, $2, unnest($3::uuid[])`, [
          this.ws.id,
          userId,
          groups,
        ]);
    }
  }

  private query(sql: Sql, id?: string): Promise<UserRow[]> {
    return sql.query<UserRow>(
      `SELECT u.id, u.email, u.name, u.attributes, u.active, u.created_at, u.updated_at,
              (SELECT array_agg(r.name ORDER BY r.name) FROM user_role ur JOIN role r ON r.workspace_id = ur.workspace_id AND r.id = ur.role_id WHERE ur.workspace_id = u.workspace_id AND ur.user_id = u.id) AS roles,
              (SELECT array_agg(g.name ORDER BY g.name) FROM user_group ug JOIN app_group g ON g.workspace_id = ug.workspace_id AND g.id = ug.group_id WHERE ug.workspace_id = u.workspace_id AND ug.user_id = u.id) AS groups
         FROM app_user u WHERE u.workspace_id = $1 ${id ? 'AND u.id = $2' : ''} ORDER BY u.name COLLATE "und-x-icu", u.id`,
      id ? [this.ws.id, id] : [this.ws.id],
    );
  }
}

function toOut(r: UserRow): UserOut {
  return {
    id: r.id,
    email: r.email,
    name: r.name,
    roles: r.roles ?? [],
    groups: r.groups ?? [],
    attributes: r.attributes ?? {},
    active: r.active,
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
  };
}
