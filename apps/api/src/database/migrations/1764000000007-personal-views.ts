/**
 * Personal and shared saved views (issue 12, item 5). Until now every saved view was seen
 * by everyone who could read its table, so the views that exist stay shared. A personal
 * view is its author's alone; its name need only be unique among that author's personal
 * views, so that a 409 never tells one user the name of another's view.
 */
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class PersonalViews1764000000007 implements MigrationInterface {
  name = 'PersonalViews1764000000007';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE saved_view ADD COLUMN IF NOT EXISTS shared boolean NOT NULL DEFAULT true`);
    await q.query(`ALTER TABLE saved_view DROP CONSTRAINT IF EXISTS saved_view_workspace_id_table_id_name_key`);
    await q.query(`CREATE UNIQUE INDEX IF NOT EXISTS saved_view_shared_name ON saved_view (workspace_id, table_id, name) WHERE shared`);
    await q.query(
      `CREATE UNIQUE INDEX IF NOT EXISTS saved_view_personal_name ON saved_view (workspace_id, table_id, created_by, name) WHERE NOT shared`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM saved_view WHERE NOT shared`);
    await q.query(`DROP INDEX IF EXISTS saved_view_personal_name`);
    await q.query(`DROP INDEX IF EXISTS saved_view_shared_name`);
    await q.query(`ALTER TABLE saved_view ADD CONSTRAINT saved_view_workspace_id_table_id_name_key UNIQUE (workspace_id, table_id, name)`);
    await q.query(`ALTER TABLE saved_view DROP COLUMN IF EXISTS shared`);
  }
}
