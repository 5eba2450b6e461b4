/**
 * Rights (issue #5): indexes for the paths the gate and the account administration take —
 * ending every session of a user, finding the users of a role, reading the security log
 * by time. The role, user and group tables themselves come with the initial schema.
 */
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Rights1764000000005 implements MigrationInterface {
  name = 'Rights1764000000005';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX IF NOT EXISTS session_by_user ON session (workspace_id, user_id) WHERE revoked_at IS NULL`);
    await q.query(`CREATE INDEX IF NOT EXISTS user_role_role ON user_role (workspace_id, role_id)`);
    await q.query(`CREATE INDEX IF NOT EXISTS security_event_at ON security_event (workspace_id, at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const name of ['security_event_at', 'user_role_role', 'session_by_user']) await q.query(`DROP INDEX IF EXISTS ${name}`);
  }
}
