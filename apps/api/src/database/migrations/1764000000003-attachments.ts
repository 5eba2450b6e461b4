/**
 * Attachments: one row per uploaded file of a record's attachment field. The file itself
 * lives on disk by content hash (`<attachmentsDir>/ab/cd/<sha256>`), so equal files are
 * stored once; the row carries the name as given (display text only, never a path), the
 * size and the type sniffed from the content. Rows stay when a file is removed from the
 * field (history can bring it back); a blob no row references can be collected.
 */
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Attachments1764000000003 implements MigrationInterface {
  name = 'Attachments1764000000003';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE attachment (
        workspace_id uuid NOT NULL,
        id uuid NOT NULL,
        table_id uuid NOT NULL,
        field_id uuid NOT NULL,
        record_id uuid NOT NULL,
        sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
        size bigint NOT NULL CHECK (size >= 0),
        type text NOT NULL CHECK (char_length(type) BETWEEN 3 AND 255),
        name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 255),
        created_by uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (workspace_id, id),
        FOREIGN KEY (workspace_id, field_id) REFERENCES meta_field(workspace_id, id) ON DELETE CASCADE
      )`);
    await q.query(`CREATE INDEX attachment_record ON attachment (workspace_id, table_id, record_id, field_id)`);
    await q.query(`CREATE INDEX attachment_blob ON attachment (workspace_id, sha256)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS attachment`);
  }
}
