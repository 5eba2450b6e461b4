/** Exchange rates by date against the workspace's base currency (or any pair). */
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Currencies1764000000004 implements MigrationInterface {
  name = 'Currencies1764000000004';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE exchange_rate (
        workspace_id uuid NOT NULL REFERENCES workspace(id),
        id uuid NOT NULL,
        from_currency text NOT NULL,
        to_currency text NOT NULL,
        rate numeric NOT NULL CHECK (rate > 0),
        day text NOT NULL,
        created_by uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (workspace_id, id),
        UNIQUE (workspace_id, from_currency, to_currency, day)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS exchange_rate`);
  }
}
