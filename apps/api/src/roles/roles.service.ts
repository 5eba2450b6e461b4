/**
 * Roles and their rules, for administrators. Rules arrive in wire form (table and field
 * keys), are validated by schema-engine's rules module and stored with table and field
 * ids, so renaming a table or field rewrites no rule; they are served with today's keys.
 * The shipped roles are editable but keep their names; the Administrator role keeps an
 * unconditional `manage all`; no change may leave the workspace without an active
 * administrator. A change applies to the next request of every user holding the role.
 */
import { Inject, Injectable } from '@nestjs/common';
import {
  assertSafeJson,
  DomainError,
  isUuid,
  parseRules,
  rulesAfterRemoval,
  rulesToWire,
  uuidv7,
  type SchemaRemoval,
  type StoredRule,
  type TableMeta,
  type WireRule,
} from '@tabula/schema-engine';
import { DATABASE } from '../database/database.provider.js';
import type { Database, Sql } from '../database/database.js';
import { AuthService } from '../auth/auth.service.js';
import type { CurrentUser } from '../access/current-user.js';
import { assertAdministratorRemains, bodyWithKeys, beginRightsChange, parseName } from '../access/rights-admin.js';
import { SchemaService } from '../schema/schema.service.js';
import { WorkspaceService } from '../workspace/workspace.service.js';

export const ADMINISTRATOR = 'Administrator';

export interface RoleOut {
  id: string;
  name: string;
  builtin: boolean;
  users: number;
  rules: WireRule[];
  updatedAt: string;
}

interface RoleRow {
  id: string;
  name: string;
  builtin: boolean;
  users: number;
  rules: StoredRule[];
  updated_at: Date | string;
}

/** Who deleted a table or field, for the security log of the rules it rewrote. */
export interface RemovalActor {
  id: string | null;
  address: string | null;
}

const keepsManageAll = (rules: StoredRule[]) =>
  rules.some((r) => r.action === 'manage' && r.subject === 'all' && !r.inverted && !r.fields && !r.conditions);

@Injectable()
export class RolesService {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    private readonly ws: WorkspaceService,
    private readonly auth: AuthService,
    private readonly schema: SchemaService,
  ) {}

  async list(): Promise<RoleOut[]> {
    const rows = await this.query(this.db);
    const tables = await this.schema.list();
    return rows.map((r) => this.out(r, tables));
  }

  async get(ref: string): Promise<RoleOut> {
    const row = await this.find(this.db, ref);
    return this.out(row, await this.schema.list());
  }

  async create(actor: CurrentUser, body: unknown, address: string): Promise<RoleOut> {
    const { name, rules } = await this.parse(body, 'create');
    const id = uuidv7();
    await this.db.tx(async (sql) => {
      await beginRightsChange(sql, this.ws.id);
      await this.assertNameFree(sql, name!);
      await sql.exec(`INSERT INTO role (workspace_id, id, name, builtin, rules) VALUES ($1, $2, $3, false, $4::jsonb)`, [
        this.ws.id,
        id,
        name,
        JSON.stringify(rules ?? []),
      ]);
      await this.auth.securityEvent(sql, 'role_created', null, actor.id, address, { role: id, name, rules: rules ?? [] });
    });
    return this.get(id);
  }

  async update(actor: CurrentUser, ref: string, body: unknown, address: string): Promise<RoleOut> {
    const { name, rules } = await this.parse(body, 'update');
    let id = '';
    await this.db.tx(async (sql) => {
      await beginRightsChange(sql, this.ws.id);
      const cur = await this.find(sql, ref);
      id = cur.id;
      if (name !== undefined && name !== cur.name) {
        if (cur.builtin) throw new DomainError('CONFLICT', `The shipped role "${cur.name}" keeps its name`);
        await this.assertNameFree(sql, name);
      }
      if (rules !== undefined && cur.builtin && cur.name === ADMINISTRATOR && !keepsManageAll(rules)) {
        throw new DomainError('CONFLICT', 'The Administrator role keeps {"action":"manage","subject":"all"}');
      }
      await sql.exec(
        `UPDATE role SET name = COALESCE($3, name), rules = COALESCE($4::jsonb, rules), updated_at = now() WHERE workspace_id = $1 AND id = $2`,
        [this.ws.id, cur.id, name ?? null, rules === undefined ? null : JSON.stringify(rules)],
      );
      await assertAdministratorRemains(sql, this.ws.id);
      await this.auth.securityEvent(sql, 'role_updated', null, actor.id, address, {
        role: cur.id,
        ...(name !== undefined ? { name: { from: cur.name, to: name } } : {}),
        ...(rules !== undefined ? { rules: { from: cur.rules, to: rules } } : {}),
      });
    });
    return this.get(id);
  }

  async remove(actor: CurrentUser, ref: string, address: string): Promise<void> {
    await this.db.tx(async (sql) => {
      await beginRightsChange(sql, this.ws.id);
      const cur = await this.find(sql, ref);
      if (cur.builtin) throw new DomainError('CONFLICT', `The shipped role "${cur.name}" cannot be deleted; change its rules instead`);
      await sql.exec(`DELETE FROM role WHERE workspace_id = $1 AND id = $2`, [this.ws.id, cur.id]);
      await assertAdministratorRemains(sql, this.ws.id);
      await this.auth.securityEvent(sql, 'role_deleted', null, actor.id, address, {
        role: cur.id,
        name: cur.name,
        rules: cur.rules,
        users: cur.users,
      });
    });
  }

  /**
   * Inside the transaction of a table or field deletion (after its workspace lock): the
   * rules that name what goes are rewritten (schema-engine rules-after-removal.ts), or the
   * deletion is refused with 409 listing the rules an administrator must change first —
   * nothing is then deleted. A rewrite bumps the rights version and is logged like any
   * role change. `tables` is the schema before the deletion.
   */
  async followSchemaRemoval(
    sql: Sql,
    tables: readonly TableMeta[],
    removal: SchemaRemoval,
    cause: 'field_deleted' | 'table_deleted',
    actor: RemovalActor,
  ): Promise<void> {
    const rows = await this.query(sql);
    const plans = rows.map((role) => ({ role, plan: rulesAfterRemoval(role.rules ?? [], tables, removal) }));
    const named = (fieldId: string) => {
      const t = tables.find((x) => x.fields.some((f) => f.id === fieldId));
      return { table: t?.key ?? null, field: t?.fields.find((f) => f.id === fieldId)?.key ?? fieldId };
    };
    const blockers = plans.flatMap(({ role, plan }) =>
      plan.blockers.map((b) => ({ role: role.name, index: b.index, ...named(b.fieldId), reason: b.reason })),
    );
    if (blockers.length) {
      const list = blockers
        .slice(0, 10)
        .map(
          (b) =>
            `${b.role} rules[${b.index}] (${b.reason === 'condition' ? `a condition on ${b.table}.${b.field}` : `its only field ${b.table}.${b.field}`})`,
        );
      throw new DomainError(
        'CONFLICT',
        `Role rules depend on what this deletes: ${list.join(', ')}${blockers.length > 10 ? ', …' : ''}. Change those rules first; nothing was deleted`,
        { rules: blockers.slice(0, 100) },
      );
    }
    const changed = plans.filter(({ plan }) => plan.changed);
    if (!changed.length) return;
    await beginRightsChange(sql, this.ws.id);
    const what = { tables: removal.tables.map((id) => tables.find((t) => t.id === id)?.key ?? id), fields: removal.fields.map(named) };
    for (const { role, plan } of changed) {
      await sql.exec(`UPDATE role SET rules = $3::jsonb, updated_at = now() WHERE workspace_id = $1 AND id = $2`, [
        this.ws.id,
        role.id,
        JSON.stringify(plan.rules),
      ]);
      await this.auth.securityEvent(sql, 'role_updated', null, actor.id, actor.address, {
        role: role.id,
        cause,
        ...what,
        rules: { from: role.rules, to: plan.rules },
      });
    }
  }

  private async parse(body: unknown, mode: 'create' | 'update'): Promise<{ name?: string; rules?: StoredRule[] }> {
    assertSafeJson(body);
    const b = bodyWithKeys(body, ['name', 'rules'], 'the role');
    if (mode === 'create' && b.name === undefined)
      throw new DomainError('VALIDATION_FAILED', 'A role needs a name', { name: { code: 'REQUIRED', message: 'a name' } });
    const name = b.name === undefined ? undefined : parseName(b.name, 'name', 100);
    const rules = b.rules === undefined ? undefined : parseRules(b.rules, await this.schema.list(), this.ws.valueContext());
    return { name, rules };
  }

  private out(r: RoleRow, tables: Awaited<ReturnType<SchemaService['list']>>): RoleOut {
    const at = r.updated_at instanceof Date ? r.updated_at : new Date(r.updated_at);
    return {
      id: r.id,
      name: r.name,
      builtin: r.builtin,
      users: r.users,
      rules: rulesToWire(r.rules ?? [], tables),
      updatedAt: at.toISOString(),
    };
  }

  private async find(sql: Sql, ref: string): Promise<RoleRow> {
    const [row] = await this.query(sql, ref);
    if (!row) throw new DomainError('NOT_FOUND', 'Role not found');
    return row;
  }

  private async assertNameFree(sql: Sql, name: string): Promise<void> {
    const dup = await sql.query(`SELECT 1 FROM role WHERE workspace_id = $1 AND name = $2`, [this.ws.id, name]);
    if (dup.length) throw new DomainError('UNIQUE_VIOLATION', `A role named "${name}" already exists`, { field: 'name' });
  }

  /** Every role, or one by id or name. */
  private query(sql: Sql, ref?: string): Promise<RoleRow[]> {
    const byRef = ref === undefined ? '' : isUuid(ref) ? 'AND r.id = $2::uuid' : 'AND r.name = $2';
    return sql.query<RoleRow>(
      `SELECT r.id, r.name, r.builtin, r.rules, r.updated_at,
              (SELECT count(*)::int FROM user_role ur WHERE ur.workspace_id = r.workspace_id AND ur.role_id = r.id) AS users
         FROM role r WHERE r.workspace_id = $1 ${byRef} ORDER BY r.builtin DESC, r.name COLLATE "und-x-icu", r.id`,
      ref === undefined ? [this.ws.id] : [this.ws.id, isUuid(ref) ? ref.toLowerCase() : ref],
    );
  }
}
