/**
 * Setup of the first administrator, login, sessions and logout. A session token is
 * `<session id>.<secret>`; only a SHA-256 of the secret is stored. Each request checks the
 * session and the user in one statement with the workspace's schema and rights versions;
 * roles, rules and groups are cached per session under the rights version, so a revoked
 * session, a deactivated user or a changed role take effect on the very next request.
 */
import { Inject, Injectable } from '@nestjs/common';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { canSubject, DomainError, isUuid, uuidv7, type StoredRule } from '@tabula/schema-engine';
import { APP_CONFIG, DATABASE } from '../database/database.provider.js';
import type { Database, Sql } from '../database/database.js';
import type { AppConfig } from '../common/config.js';
import { WorkspaceService } from '../workspace/workspace.service.js';
import { BUILTIN_ROLES } from './builtin-roles.js';
import type { CurrentUser } from '../access/current-user.js';
import { dummyHash, hashPassword, validatePassword, verifyPassword } from './password.js';
import { Throttle } from './throttle.js';
import { beginRightsChange } from '../access/rights-admin.js';
import type { LoginBody, PasswordChangeBody, SetupBody } from './auth.dto.js';

const EMAIL_RE = /^[^\s@]{1,64}@[^\s@]{1,189}\.[^\s@]{2,63}$/;

export interface PublicUser {
  id: string;
  email: string;
  name: string;
  roles: string[];
  groups: string[];
  attributes: Record<string, unknown>;
  active: boolean;
}

export function normaliseEmail(v: unknown): string {
  if (typeof v !== 'string' || v.length > 254 || !EMAIL_RE.test(v.trim())) {
    throw new DomainError('VALIDATION_FAILED', 'A valid email address is required', {
      email: { code: 'INVALID_EMAIL', message: 'must be an email address' },
    });
  }
  return v.trim().toLowerCase();
}

interface SessionRow {
  sv: string;
  rv: string;
  ws_name: string;
  ws_currency: string;
  ws_tz: string;
  ws_locale: string;
  token_hash: string | null;
  user_id: string | null;
  email: string;
  name: string;
  attributes: Record<string, unknown>;
  loaded: boolean;
  roles: string[] | null;
  rules: StoredRule[][] | null;
  groups: string[] | null;
  group_names: string[] | null;
}

/** What this process keeps of a session between requests, valid at one rights version. */
interface CachedProfile {
  version: bigint;
  userId: string;
  roles: string[];
  rules: StoredRule[];
  groups: string[];
  groupNames: string[];
  isAdmin: boolean;
  compiled: WeakMap<object, Map<string, unknown>>;
}

const MAX_CACHED_SESSIONS = 10_000;

/**
 * $1 workspace, $2 session id, $3 the rights version of this process's cached profile of
 * the session (or null). The workspace row always comes back (with both versions and its settings); the
 * session columns are null when the session is unknown, expired, revoked or its user
 * inactive. The aggregates run only when the cached version is not the current one (a
 * subquery under CASE is evaluated only in the branch taken).
 */
const AUTH_SQL = `
SELECT w.schema_version::text AS sv, w.rights_version::text AS rv, w.name AS ws_name, w.base_currency AS ws_currency, w.time_zone AS ws_tz, w.locale AS ws_locale, s.token_hash, s.user_id, u.email, u.name, u.attributes,
       w.rights_version IS DISTINCT FROM $3::bigint AS loaded,
       CASE WHEN w.rights_version IS DISTINCT FROM $3::bigint THEN
         (SELECT array_agg(r.name ORDER BY r.name) FROM user_role ur JOIN role r ON r.workspace_id = ur.workspace_id AND r.id = ur.role_id
           WHERE ur.workspace_id = w.id AND ur.user_id = s.user_id) END AS roles,
       CASE WHEN w.rights_version IS DISTINCT FROM $3::bigint THEN
         (SELECT jsonb_agg(r.rules ORDER BY r.name) FROM user_role ur JOIN role r ON r.workspace_id = ur.workspace_id AND r.id = ur.role_id
           WHERE ur.workspace_id = w.id AND ur.user_id = s.user_id) END AS rules,
       CASE WHEN w.rights_version IS DISTINCT FROM $3::bigint THEN
         (SELECT array_agg(ug.group_id::text ORDER BY g.name) FROM user_group ug JOIN app_group g ON g.workspace_id = ug.workspace_id AND g.id = ug.group_id
           WHERE ug.workspace_id = w.id AND ug.user_id = s.user_id) END AS groups,
       CASE WHEN w.rights_version IS DISTINCT FROM $3::bigint THEN
         (SELECT array_agg(g.name ORDER BY g.name) FROM user_group ug JOIN app_group g ON g.workspace_id = ug.workspace_id AND g.id = ug.group_id
           WHERE ug.workspace_id = w.id AND ug.user_id = s.user_id) END AS group_names
  FROM workspace w
  LEFT JOIN (session s JOIN app_user u ON u.workspace_id = s.workspace_id AND u.id = s.user_id AND u.active)
         ON s.workspace_id = w.id AND s.id = $2::uuid AND s.revoked_at IS NULL AND s.expires_at > now()
 WHERE w.id = $1::uuid`;

@Injectable()
export class AuthService {
  /** Per session id: the user's roles, rules, groups and compiled rights at one rights version. */
  private readonly profiles = new Map<string, CachedProfile>();
  private readonly accountThrottle = new Throttle(5, 15 * 60_000);
  private readonly addressThrottle = new Throttle(30, 15 * 60_000);

  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly ws: WorkspaceService,
  ) {}

  async isSetUp(): Promise<boolean> {
    const rows = await this.db.query(`SELECT 1 FROM app_user WHERE workspace_id = $1 LIMIT 1`, [this.ws.id]);
    return rows.length > 0;
  }

  /** `body`: checked against SetupBody by the input layer (its values here). */
  async setup(body: SetupBody): Promise<{ token: string; user: PublicUser }> {
    // Anyone may call this: answer "already set up" before any work (the scrypt hash
    // below costs ~100 ms of CPU). The check in the transaction still decides a race.
    if (await this.isSetUp()) throw alreadySetUp();
    const email = normaliseEmail(body.email);
    const pwErr = validatePassword(body.password);
    if (pwErr) throw new DomainError('VALIDATION_FAILED', `Password ${pwErr.message}`, { password: pwErr });
    const name = typeof body.name === 'string' && body.name.trim() ? body.name.trim().slice(0, 200) : email;
    const tz = body.timeZone;
    if (tz !== undefined && (typeof tz !== 'string' || !validTimeZone(tz))) {
      throw new DomainError('VALIDATION_FAILED', 'Unknown time zone', {
        timeZone: { code: 'INVALID_TIME_ZONE', message: 'an IANA time zone, e.g. Europe/Bucharest' },
      });
    }
    const cur = body.baseCurrency;
    if (cur !== undefined && (typeof cur !== 'string' || !/^[A-Z]{3}$/.test(cur))) {
      throw new DomainError('VALIDATION_FAILED', 'Invalid base currency', {
        baseCurrency: { code: 'INVALID_CURRENCY', message: 'an ISO 4217 code such as EUR' },
      });
    }
    const hash = await hashPassword(body.password as string);
    const wsId = this.ws.id;
    const userId = uuidv7();
    await this.db.tx(async (sql) => {
      await beginRightsChange(sql, wsId);
      const existing = await sql.query(`SELECT 1 FROM app_user WHERE workspace_id = $1 LIMIT 1`, [wsId]);
      if (existing.length) throw alreadySetUp();
      await sql.exec(
        `UPDATE workspace SET name = COALESCE($2, name), base_currency = COALESCE($3, base_currency), time_zone = COALESCE($4, time_zone), locale = COALESCE($5, locale) WHERE id = $1`,
        [
          wsId,
          typeof body.workspaceName === 'string' ? body.workspaceName.slice(0, 200) : null,
          cur ?? null,
          tz ?? null,
          typeof body.locale === 'string' ? body.locale.slice(0, 20) : null,
        ],
      );
      await sql.exec(`INSERT INTO app_user (workspace_id, id, email, name, password_hash) VALUES ($1, $2, $3, $4, $5)`, [
        wsId,
        userId,
        email,
        name,
        hash,
      ]);
      for (const role of BUILTIN_ROLES) {
        const roleId = uuidv7();
        await sql.exec(`INSERT INTO role (workspace_id, id, name, builtin, rules) VALUES ($1, $2, $3, true, $4::jsonb)`, [
          wsId,
          roleId,
          role.name,
          JSON.stringify(role.rules),
        ]);
        if (role.name === 'Administrator')
          await sql.exec(`INSERT INTO user_role (workspace_id, user_id, role_id) VALUES ($1, $2, $3)`, [wsId, userId, roleId]);
      }
      await this.securityEvent(sql, 'setup', userId, userId, null);
    });
    await this.ws.reload();
    const token = await this.createSession(userId);
    return { token, user: (await this.publicUser(userId))! };
  }

  async login(body: LoginBody, address: string): Promise<{ token: string; user: PublicUser }> {
    const email = body.email.trim().toLowerCase().slice(0, 254);
    const wait = Math.max(this.accountThrottle.retryAfter(email), this.addressThrottle.retryAfter(address));
    if (wait > 0) throw new DomainError('TOO_MANY_REQUESTS', 'Too many failed sign-ins; try again later', { retryAfter: wait });
    const [row] = await this.db.query<{ id: string; password_hash: string; active: boolean }>(
      `SELECT id, password_hash, active FROM app_user WHERE workspace_id = $1 AND email = $2`,
      [this.ws.id, email],
    );
    const ok = row
      ? await verifyPassword(body.password, row.password_hash)
      : (await verifyPassword(body.password, await dummyHash()), false);
    if (!row || !ok || !row.active) {
      this.accountThrottle.fail(email);
      this.addressThrottle.fail(address);
      await this.securityEvent(this.db, 'login_failed', row?.id ?? null, null, address, { email });
      throw new DomainError('UNAUTHENTICATED', 'Wrong email or password');
    }
    this.accountThrottle.reset(email);
    await this.securityEvent(this.db, 'login', row.id, row.id, address);
    const token = await this.createSession(row.id);
    return { token, user: (await this.publicUser(row.id))! };
  }

  async createSession(userId: string): Promise<string> {
    const id = uuidv7();
    const secret = randomBytes(32).toString('base64url');
    const expires = new Date(Date.now() + this.config.sessionHours * 3600_000);
    await this.db.exec(`INSERT INTO session (workspace_id, id, user_id, token_hash, expires_at) VALUES ($1, $2, $3, $4, $5)`, [
      this.ws.id,
      id,
      userId,
      sha256(secret),
      expires,
    ]);
    return `${id}.${secret}`;
  }

  /**
   * Resolves a bearer token to its user, or undefined — in ONE statement that also reads
   * the workspace's schema and rights versions. The session row, its expiry and revocation,
   * and the user's active flag are checked by that statement on every request; the user's
   * roles, rules and groups are read by it only when this process holds none for the
   * session at the current rights version (they are cached, with the rights compiled from
   * them, under that version). Every change to users, roles, groups or memberships bumps
   * the version in its own transaction (beginRightsChange), so a revoked session, a
   * deactivated user or a changed role takes effect on the very next request, in every
   * process that shares the database.
   */
  async authenticate(token: string | undefined): Promise<CurrentUser | undefined> {
    if (!token || token.length > 200) return undefined;
    const dot = token.indexOf('.');
    const id = token.slice(0, dot);
    const secret = token.slice(dot + 1);
    if (dot < 0 || !isUuid(id) || !secret) return undefined;
    const sessionId = id.toLowerCase();
    const cached = this.profiles.get(sessionId);
    const [row] = await this.db.query<SessionRow>(AUTH_SQL, [this.ws.id, sessionId, cached ? String(cached.version) : null], {
      name: 'tabula_auth',
    });
    if (!row) return undefined;
    // the workspace's settings (time zone, base currency…) are cached per process: one
    // changed through another process is reloaded before this request uses it
    const w = this.ws.current;
    if (w.timeZone !== row.ws_tz || w.baseCurrency !== row.ws_currency || w.name !== row.ws_name || w.locale !== row.ws_locale)
      await this.ws.reload();
    const version = BigInt(row.rv);
    if (cached && cached.version !== version) this.profiles.delete(sessionId);
    if (!row.user_id || !row.token_hash) {
      this.profiles.delete(sessionId);
      return undefined;
    }
    const a = Buffer.from(row.token_hash, 'hex');
    const b = Buffer.from(sha256(secret), 'hex');
    if (a.length !== b.length || !timingSafeEqual(a, b)) return undefined;
    let profile = cached && cached.version === version && cached.userId === row.user_id ? cached : undefined;
    if (!profile) {
      if (!row.loaded) return undefined; // cannot happen: the statement loads whenever the version differs
      const rules = (row.rules ?? []).flat();
      profile = {
        version,
        userId: row.user_id,
        roles: row.roles ?? [],
        rules,
        groups: row.groups ?? [],
        groupNames: row.group_names ?? [],
        isAdmin: canSubject(rules, 'manage', 'settings'),
        compiled: new WeakMap(),
      };
      if (this.profiles.size >= MAX_CACHED_SESSIONS) this.profiles.clear();
      this.profiles.set(sessionId, profile);
    }
    return {
      id: row.user_id,
      workspaceId: this.ws.id,
      email: row.email,
      name: row.name,
      roles: profile.roles,
      groups: profile.groups,
      groupNames: profile.groupNames,
      attributes: row.attributes ?? {},
      rules: profile.rules,
      isAdmin: profile.isAdmin,
      sessionId,
      schemaVersion: BigInt(row.sv),
      compiled: profile.compiled,
    };
  }

  /**
   * A user changes their own password: the current one must be right (failures are
   * throttled like logins); every other session of the user ends.
   */
  async changePassword(user: CurrentUser, body: PasswordChangeBody, address: string): Promise<void> {
    const pwErr = validatePassword(body.newPassword);
    if (pwErr) throw new DomainError('VALIDATION_FAILED', `New password ${pwErr.message}`, { newPassword: pwErr });
    const key = `password:${user.id}`;
    const wait = this.accountThrottle.retryAfter(key);
    if (wait > 0) throw new DomainError('TOO_MANY_REQUESTS', 'Too many wrong passwords; try again later', { retryAfter: wait });
    const [row] = await this.db.query<{ password_hash: string }>(`SELECT password_hash FROM app_user WHERE workspace_id = $1 AND id = $2`, [
      this.ws.id,
      user.id,
    ]);
    if (!row || !(await verifyPassword(body.currentPassword, row.password_hash))) {
      this.accountThrottle.fail(key);
      await this.securityEvent(this.db, 'password_change_failed', user.id, user.id, address);
      throw new DomainError('VALIDATION_FAILED', 'The current password is wrong', {
        currentPassword: { code: 'WRONG_PASSWORD', message: 'is not your current password' },
      });
    }
    this.accountThrottle.reset(key);
    const hash = await hashPassword(body.newPassword as string);
    await this.db.tx(async (sql) => {
      await sql.exec(`UPDATE app_user SET password_hash = $3, updated_at = now() WHERE workspace_id = $1 AND id = $2`, [
        this.ws.id,
        user.id,
        hash,
      ]);
      await this.revokeSessions(sql, user.id, user.sessionId);
      await this.securityEvent(sql, 'password_changed', user.id, user.id, address);
    });
  }

  /** Ends every session of a user (but `except`). */
  async revokeSessions(sql: Sql, userId: string, except?: string): Promise<number> {
    return sql.exec(
      `UPDATE session SET revoked_at = now() WHERE workspace_id = $1 AND user_id = $2 AND revoked_at IS NULL AND ($3::uuid IS NULL OR id <> $3::uuid)`,
      [this.ws.id, userId, except ?? null],
    );
  }

  async logout(user: CurrentUser): Promise<void> {
    await this.db.exec(`UPDATE session SET revoked_at = now() WHERE workspace_id = $1 AND id = $2`, [this.ws.id, user.sessionId]);
    await this.securityEvent(this.db, 'logout', user.id, user.id, null);
  }

  async publicUser(id: string): Promise<PublicUser | undefined> {
    const [row] = await this.db.query<{
      id: string;
      email: string;
      name: string;
      attributes: Record<string, unknown>;
      active: boolean;
      roles: string[] | null;
      groups: string[] | null;
    }>(
      `SELECT u.id, u.email, u.name, u.attributes, u.active,
              (SELECT array_agg(r.name ORDER BY r.name) FROM user_role ur JOIN role r ON r.workspace_id = ur.workspace_id AND r.id = ur.role_id WHERE ur.workspace_id = u.workspace_id AND ur.user_id = u.id) AS roles,
              (SELECT array_agg(g.name ORDER BY g.name) FROM user_group ug JOIN app_group g ON g.workspace_id = ug.workspace_id AND g.id = ug.group_id WHERE ug.workspace_id = u.workspace_id AND ug.user_id = u.id) AS groups
         FROM app_user u WHERE u.workspace_id = $1 AND u.id = $2`,
      [this.ws.id, id],
    );
    return row
      ? {
          id: row.id,
          email: row.email,
          name: row.name,
          roles: row.roles ?? [],
          groups: row.groups ?? [],
          attributes: row.attributes ?? {},
          active: row.active,
        }
      : undefined;
  }

  async securityEvent(
    sql: Sql,
    kind: string,
    userId: string | null,
    actorId: string | null,
    address: string | null,
    details?: unknown,
  ): Promise<void> {
    await sql.exec(
      `INSERT INTO security_event (workspace_id, id, kind, user_id, actor_id, address, details) VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb)`,
      [this.ws.id, uuidv7(), kind, userId, actorId, address, details === undefined ? null : JSON.stringify(details)],
    );
  }
}

function alreadySetUp(): DomainError {
  return new DomainError('ALREADY_SET_UP', 'Tabula is already set up; sign in instead');
}

function sha256(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}

function validTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}
