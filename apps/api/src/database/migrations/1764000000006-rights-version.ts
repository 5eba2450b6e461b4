/**
 * A rights version beside the schema version (issue 7, finding 6). Every change to users,
 * roles, groups or their assignments bumps `workspace.rights_version` in its own
 * transaction; each API process caches a session's roles, rules, groups and compiled
 * rights under the version it read, and the one statement that validates the session on
 * every request reads the version too, so a change takes effect on the very next request
 * in every process sharing the database.
 */
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class RightsVersion1764000000006 implements MigrationInterface {
  name = 'RightsVersion1764000000006';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE workspace ADD COLUMN IF NOT EXISTS rights_version bigint NOT NULL DEFAULT 1`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE workspace DROP COLUMN IF EXISTS rights_version`);
  }
}
