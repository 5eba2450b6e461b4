/**
 * Shared by the users, roles and groups services: changes to rights are serialised (the
 * workspace row is locked) and bump the workspace's rights version in their own
 * transaction (every API process drops its cached rights when it reads a new version, on
 * the very next request), are logged to the security log, and may never leave the workspace
 * without an active administrator — a user whose rules allow `manage settings` — checked
 * inside the transaction after the change, so every path (deactivating, deleting, taking
 * a role away, editing or deleting a role) is covered by the one check.
 */
import { canSubject, DomainError, type StoredRule } from '@tabula/schema-engine';
import type { Sql } from '../database/database.js';
import { isPlainObject } from '@tabula/schema-engine';
import { Type, type TObject, type TProperties } from '@sinclair/typebox';

/**
 * Starts a change to users, roles, groups or memberships: locks the workspace row (one
 * rights change at a time) and bumps `rights_version`, so that the change, once committed,
 * invalidates every process's cached rights (auth.service.ts). A rolled-back change bumps
 * nothing. Call first in the transaction that makes the change.
 */
export async function beginRightsChange(sql: Sql, workspaceId: string): Promise<void> {
  await sql.exec(`UPDATE workspace SET rights_version = rights_version + 1 WHERE id = $1`, [workspaceId]);
}

export async function assertAdministratorRemains(sql: Sql, workspaceId: string): Promise<void> {
  const users = await sql.query<{ id: string; rules: StoredRule[][] | null }>(
    `SELECT u.id,
            (SELECT jsonb_agg(r.rules) FROM user_role ur JOIN role r ON r.workspace_id = ur.workspace_id AND r.id = ur.role_id
              WHERE ur.workspace_id = u.workspace_id AND ur.user_id = u.id) AS rules
       FROM app_user u WHERE u.workspace_id = $1 AND u.active`,
    [workspaceId],
  );
  if (!users.some((u) => canSubject((u.rules ?? []).flat(), 'manage', 'settings'))) {
    throw new DomainError('CONFLICT', 'At least one active administrator must remain; nothing was changed');
  }
}

/**
 * The request body schema of a rights object (group, role, user) for the input layer: it
 * refuses what is not an object in the words of `bodyWithKeys`, which checks the keys (the
 * configuration document's roles pass through it too).
 */
export function rightsBody(what: string, properties: TProperties): TObject {
  return Type.Object(properties, {
    'x-send': `Send ${what} as a JSON object`,
    'x-not-object': { body: { code: 'NOT_AN_OBJECT', message: 'must be an object' } },
  });
}

/** A JSON object body with only the allowed keys (mass assignment is refused: 400 naming the key). */
export function bodyWithKeys(body: unknown, allowed: readonly string[], what: string): Record<string, unknown> {
  if (!isPlainObject(body))
    throw new DomainError('VALIDATION_FAILED', `Send ${what} as a JSON object`, {
      body: { code: 'NOT_AN_OBJECT', message: 'must be an object' },
    });
  const unknown = Object.keys(body).filter((k) => !allowed.includes(k));
  if (unknown.length) {
    const details: Record<string, { code: string; message: string }> = {};
    for (const k of unknown.slice(0, 20)) details[k.slice(0, 80)] = { code: 'UNKNOWN_KEY', message: `allowed keys: ${allowed.join(', ')}` };
    throw new DomainError('VALIDATION_FAILED', `Unknown key ${JSON.stringify(unknown[0]!.slice(0, 80))} in ${what}`, details);
  }
  return body;
}

/** A display name: trimmed text of 1 to `max` characters, one line. */
export function parseName(v: unknown, key: string, max = 200): string {
  if (typeof v !== 'string' || !v.trim() || v.length > max || /[\r\n\u0000]/.test(v)) {
    throw new DomainError('VALIDATION_FAILED', `${key} must be one line of 1 to ${max} characters`, {
      [key]: { code: 'INVALID_NAME', message: `1 to ${max} characters, one line` },
    });
  }
  return v.trim();
}

/** A reference by id or by name → the id, from `{id, name}` rows; unknown ones are a 400 naming them. */
export function resolveRefs(refs: unknown, rows: { id: string; name: string }[], key: string): string[] {
  if (!Array.isArray(refs) || refs.length > 200 || refs.some((r) => typeof r !== 'string')) {
    throw new DomainError('VALIDATION_FAILED', `${key} must be an array of names or ids`, {
      [key]: { code: 'NOT_A_LIST', message: 'an array of names or ids' },
    });
  }
  const ids: string[] = [];
  const missing: string[] = [];
  for (const ref of refs as string[]) {
    const row = rows.find((r) => r.id === ref.toLowerCase()) ?? rows.find((r) => r.name === ref);
    if (!row) missing.push(ref.slice(0, 80));
    else if (!ids.includes(row.id)) ids.push(row.id);
  }
  if (missing.length)
    throw new DomainError('VALIDATION_FAILED', `Unknown ${key.replace(/s$/, '')} ${JSON.stringify(missing[0])}`, {
      [key]: { code: 'UNKNOWN_REFERENCE', message: `unknown: ${missing.slice(0, 10).join(', ')}` },
    });
  return ids;
}
