/**
 * Links (the only source of truth: data holds no link ids), cascade batches for trash and
 * restore, and autonumber counters per field and period.
 */
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class LinksAutonumbers1764000000002 implements MigrationInterface {
  name = 'LinksAutonumbers1764000000002';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE record_link (
        workspace_id uuid NOT NULL,
        field_id uuid NOT NULL,
        from_id uuid NOT NULL,
        to_id uuid NOT NULL,
        position integer NOT NULL DEFAULT 0,
        PRIMARY KEY (workspace_id, field_id, from_id, to_id)
      )`);
    await q.query(`CREATE INDEX record_link_to ON record_link (workspace_id, field_id, to_id)`);
    await q.query(`ALTER TABLE record ADD COLUMN delete_batch uuid`);
    await q.query(`CREATE INDEX record_delete_batch ON record (workspace_id, delete_batch) WHERE delete_batch IS NOT NULL`);
    await q.query(`
      CREATE TABLE autonumber_counter (
        workspace_id uuid NOT NULL,
        field_id uuid NOT NULL,
        period text NOT NULL,
        value bigint NOT NULL,
        PRIMARY KEY (workspace_id, field_id, period)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS autonumber_counter`);
    await q.query(`DROP INDEX IF EXISTS record_delete_batch`);
    await q.query(`ALTER TABLE record DROP COLUMN IF EXISTS delete_batch`);
    await q.query(`DROP TABLE IF EXISTS record_link`);
  }
}
