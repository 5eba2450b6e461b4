/**
 * The initial schema. Every table carries workspace_id in its primary key, unique
 * constraints and foreign keys (the distribution column for Citus). User records live in
 * `record`, LIST-partitioned by table_id: one partition per user table, created with it.
 */
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Initial1764000000001 implements MigrationInterface {
  name = 'Initial1764000000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
    await q.query(`
      CREATE TABLE workspace (
        id uuid PRIMARY KEY,
        name text NOT NULL,
        base_currency text NOT NULL DEFAULT 'EUR',
        time_zone text NOT NULL DEFAULT 'UTC',
        locale text NOT NULL DEFAULT 'en-US',
        schema_version bigint NOT NULL DEFAULT 1,
        next_slot integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE app_user (
        workspace_id uuid NOT NULL REFERENCES workspace(id),
        id uuid NOT NULL,
        email text NOT NULL,
        name text NOT NULL,
        password_hash text NOT NULL,
        attributes jsonb NOT NULL DEFAULT '{}',
        active boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (workspace_id, id),
        UNIQUE (workspace_id, email)
      )`);
    await q.query(`
      CREATE TABLE app_group (
        workspace_id uuid NOT NULL REFERENCES workspace(id),
        id uuid NOT NULL,
        name text NOT NULL,
        PRIMARY KEY (workspace_id, id),
        UNIQUE (workspace_id, name)
      )`);
    await q.query(`
      CREATE TABLE user_group (
        workspace_id uuid NOT NULL,
        user_id uuid NOT NULL,
        group_id uuid NOT NULL,
        PRIMARY KEY (workspace_id, user_id, group_id),
        FOREIGN KEY (workspace_id, user_id) REFERENCES app_user(workspace_id, id) ON DELETE CASCADE,
        FOREIGN KEY (workspace_id, group_id) REFERENCES app_group(workspace_id, id) ON DELETE CASCADE
      )`);
    await q.query(`
      CREATE TABLE role (
        workspace_id uuid NOT NULL REFERENCES workspace(id),
        id uuid NOT NULL,
        name text NOT NULL,
        builtin boolean NOT NULL DEFAULT false,
        rules jsonb NOT NULL DEFAULT '[]',
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (workspace_id, id),
        UNIQUE (workspace_id, name)
      )`);
    await q.query(`
      CREATE TABLE user_role (
        workspace_id uuid NOT NULL,
        user_id uuid NOT NULL,
        role_id uuid NOT NULL,
        PRIMARY KEY (workspace_id, user_id, role_id),
        FOREIGN KEY (workspace_id, user_id) REFERENCES app_user(workspace_id, id) ON DELETE CASCADE,
        FOREIGN KEY (workspace_id, role_id) REFERENCES role(workspace_id, id) ON DELETE CASCADE
      )`);
    await q.query(`
      CREATE TABLE session (
        workspace_id uuid NOT NULL,
        id uuid NOT NULL,
        user_id uuid NOT NULL,
        token_hash text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        revoked_at timestamptz,
        PRIMARY KEY (workspace_id, id),
        FOREIGN KEY (workspace_id, user_id) REFERENCES app_user(workspace_id, id) ON DELETE CASCADE
      )`);
    await q.query(`
      CREATE TABLE meta_table (
        workspace_id uuid NOT NULL REFERENCES workspace(id),
        id uuid NOT NULL,
        key text NOT NULL,
        label text NOT NULL,
        primary_field_id uuid,
        position integer NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (workspace_id, id),
        UNIQUE (workspace_id, key)
      )`);
    await q.query(`
      CREATE TABLE meta_field (
        workspace_id uuid NOT NULL,
        id uuid NOT NULL,
        table_id uuid NOT NULL,
        key text NOT NULL,
        label text NOT NULL,
        type text NOT NULL,
        slot text NOT NULL,
        options jsonb NOT NULL DEFAULT '{}',
        required boolean NOT NULL DEFAULT false,
        is_unique boolean NOT NULL DEFAULT false,
        default_value jsonb,
        searchable boolean NOT NULL DEFAULT false,
        position integer NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (workspace_id, id),
        UNIQUE (workspace_id, table_id, key),
        UNIQUE (workspace_id, table_id, slot),
        FOREIGN KEY (workspace_id, table_id) REFERENCES meta_table(workspace_id, id) ON DELETE CASCADE
      )`);
    await q.query(`
      CREATE TABLE layout (
        workspace_id uuid NOT NULL,
        table_id uuid NOT NULL,
        kind text NOT NULL CHECK (kind IN ('card', 'table')),
        spec jsonb NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (workspace_id, table_id, kind),
        FOREIGN KEY (workspace_id, table_id) REFERENCES meta_table(workspace_id, id) ON DELETE CASCADE
      )`);
    await q.query(`
      CREATE TABLE saved_view (
        workspace_id uuid NOT NULL,
        id uuid NOT NULL,
        table_id uuid NOT NULL,
        name text NOT NULL,
        filter jsonb,
        sort text,
        columns jsonb,
        created_by uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (workspace_id, id),
        UNIQUE (workspace_id, table_id, name),
        FOREIGN KEY (workspace_id, table_id) REFERENCES meta_table(workspace_id, id) ON DELETE CASCADE
      )`);
    await q.query(`
      CREATE TABLE record (
        workspace_id uuid NOT NULL,
        table_id uuid NOT NULL,
        id uuid NOT NULL,
        data jsonb NOT NULL DEFAULT '{}',
        version integer NOT NULL DEFAULT 1,
        owner_id uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        created_by uuid,
        updated_at timestamptz NOT NULL DEFAULT now(),
        updated_by uuid,
        deleted_at timestamptz,
        PRIMARY KEY (workspace_id, table_id, id)
      ) PARTITION BY LIST (table_id)`);
    await q.query(`
      CREATE TABLE record_index (
        workspace_id uuid NOT NULL,
        table_id uuid NOT NULL,
        name text NOT NULL,
        kind text NOT NULL,
        definition text NOT NULL,
        state text NOT NULL DEFAULT 'wanted',
        reason text,
        uses bigint NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        built_at timestamptz,
        PRIMARY KEY (workspace_id, table_id, name)
      )`);
    await q.query(`
      CREATE TABLE job (
        workspace_id uuid NOT NULL,
        id uuid NOT NULL,
        kind text NOT NULL,
        state text NOT NULL DEFAULT 'queued',
        payload jsonb NOT NULL DEFAULT '{}',
        done bigint NOT NULL DEFAULT 0,
        total bigint,
        error jsonb,
        run_after timestamptz NOT NULL DEFAULT now(),
        locked_by text,
        locked_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (workspace_id, id)
      )`);
    await q.query(`CREATE INDEX job_queue ON job (state, run_after) WHERE state IN ('queued', 'running')`);
    await q.query(`
      CREATE TABLE audit_event (
        workspace_id uuid NOT NULL,
        id uuid NOT NULL,
        at timestamptz NOT NULL DEFAULT now(),
        table_id uuid NOT NULL,
        record_id uuid,
        version integer,
        action text NOT NULL,
        user_id uuid,
        diff jsonb,
        summary jsonb,
        PRIMARY KEY (workspace_id, id, at)
      ) PARTITION BY RANGE (at)`);
    await q.query(`CREATE TABLE audit_event_default PARTITION OF audit_event DEFAULT`);
    await q.query(`CREATE INDEX audit_event_record ON audit_event (workspace_id, table_id, record_id, version)`);
    await q.query(`
      CREATE TABLE security_event (
        workspace_id uuid NOT NULL,
        id uuid NOT NULL,
        at timestamptz NOT NULL DEFAULT now(),
        kind text NOT NULL,
        user_id uuid,
        actor_id uuid,
        address text,
        details jsonb,
        PRIMARY KEY (workspace_id, id)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of [
      'security_event',
      'audit_event',
      'job',
      'record_index',
      'record',
      'saved_view',
      'layout',
      'meta_field',
      'meta_table',
      'session',
      'user_role',
      'role',
      'user_group',
      'app_group',
      'app_user',
      'workspace',
    ]) {
      await q.query(`DROP TABLE IF EXISTS ${t} CASCADE`);
    }
  }
}
