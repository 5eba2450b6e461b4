/**
 * Uploading files to a record's attachment field and downloading them.
 *
 * Upload (one request, one or many files): the table, field and record are checked first
 * (update rights, the record in the user's update scope), then the body is streamed to
 * temp files while hashing. Only when every file is within the field's maxSize (413
 * otherwise) and of an accepted sniffed type (415 otherwise) are the blobs moved into
 * place, the attachment rows written, and the items appended to the field through the
 * ordinary record update — so the audit trail, the rights checks on the record as it
 * would become and the conflict rules all apply. Appends commute: a conflict with a
 * concurrent change of the same field is retried on the fresh value. If the record write
 * fails, the new rows are removed again (the blobs stay for the collector).
 *
 * Download: 404 unless the user may read the record (read scope, live records only), the
 * field, and the file is still listed in the field's value. Served as a download, never
 * rendered (download-headers.ts).
 */
import type { ReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type {} from '@fastify/multipart';
import { DomainError, getFieldType, isDomainError, isUuid, uuidv7, type FieldMeta, type TableMeta } from '@tabula/schema-engine';
import { DATABASE } from '../database/database.provider.js';
import type { Database } from '../database/database.js';
import { AccessService, type Access } from '../access/access.service.js';
import type { CurrentUser } from '../access/current-user.js';
import { RecordsWriteService } from '../records/records-write.service.js';
import type { WireRecord } from '../records/record-wire.js';
import { SchemaService } from '../schema/schema.service.js';
import { RecordStore } from '../store/record-store.js';
import { WorkspaceService } from '../workspace/workspace.service.js';
import { AttachmentRefs, ATTACHMENT_TYPE, itemOf } from '../records/attachment-refs.service.js';
import { AttachmentStorage, type ReceivedBlob } from './attachment-storage.js';
import { downloadHeaders } from './download-headers.js';
import { sniffType } from './sniff-type.js';

/** Files in one upload request (the multipart limits in app.ts agree). */
export const MAX_FILES_PER_UPLOAD = 20;
/** Files one field may hold (the field type's limit). */
const MAX_ATTACHMENTS = 100;
const APPEND_ATTEMPTS = 3;

interface FieldOptions {
  maxSize: number;
  accept?: string[];
  multiple: boolean;
}

interface Item {
  id: string;
  name: string;
  size: number;
  type: string;
}

interface Incoming {
  blob: ReceivedBlob;
  name: string;
  type: string;
}

@Injectable()
export class AttachmentsService {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    private readonly ws: WorkspaceService,
    private readonly schema: SchemaService,
    private readonly access: AccessService,
    private readonly store: RecordStore,
    private readonly writer: RecordsWriteService,
    private readonly storage: AttachmentStorage,
    private readonly refs: AttachmentRefs,
  ) {}

  async upload(user: CurrentUser, tableRef: string, recordId: string, fieldRef: string, req: FastifyRequest): Promise<WireRecord> {
    const table = await this.schema.table(tableRef);
    const acc = this.access.forTable(user, table, 'update');
    const field = this.attachmentField(table, fieldRef, acc);
    const cur = await this.store.fetch(this.db, table, recordId, acc.scope);
    if (!cur) throw new DomainError('NOT_FOUND', 'Record not found');
    if (!req.isMultipart()) {
      throw new DomainError('UNSUPPORTED_MEDIA_TYPE', 'Send the files as multipart/form-data');
    }
    const opts = getFieldType(ATTACHMENT_TYPE).parseOptions(field.options) as unknown as FieldOptions;
    const files = await this.receive(req, field, opts);
    const held = this.current(field, cur.data).length;
    try {
      if (!files.length) throw invalid(field, 'NO_FILES', 'Send at least one file');
      if (!opts.multiple && files.length > 1) throw invalid(field, 'TOO_MANY_VALUES', 'This field holds one file');
      if (opts.multiple && held + files.length > MAX_ATTACHMENTS)
        throw invalid(field, 'TOO_MANY_VALUES', `A field holds at most ${MAX_ATTACHMENTS} files`);
      for (const f of files) await this.storage.commit(f.blob);
    } finally {
      for (const f of files) await this.storage.discard(f.blob.tmp); // already moved: nothing to do
    }
    const items: Item[] = files.map((f) => ({ id: uuidv7(), name: f.name, size: f.blob.size, type: f.type }));
    await this.db.exec(
      `INSERT INTO attachment (workspace_id, id, table_id, field_id, record_id, sha256, size, type, name, created_by)
       SELECT $1::uuid, u.id, $2::uuid, $3::uuid, $4::uuid, u.sha256, u.size, u.type, u.name, $5::uuid
         FROM jsonb_to_recordset($6::jsonb) AS u(id uuid, sha256 text, size bigint, type text, name text)`,
      [this.ws.id, table.id, field.id, cur.id, user.id, JSON.stringify(items.map((it, i) => ({ ...it, sha256: files[i]!.blob.sha256 })))],
    );
    try {
      return await this.append(user, table, field, cur.id, items, opts.multiple, acc);
    } catch (e) {
      await this.db.exec(`DELETE FROM attachment WHERE workspace_id = $1 AND id = ANY($2::uuid[])`, [this.ws.id, items.map((i) => i.id)]);
      throw e;
    }
  }

  async download(user: CurrentUser, id: string): Promise<{ stream: ReadStream; headers: Record<string, string> }> {
    const notFound = () => new DomainError('NOT_FOUND', 'Attachment not found');
    if (!isUuid(id)) throw notFound();
    const row = (await this.refs.rows(this.db, [id])).get(id.toLowerCase());
    if (!row) throw notFound();
    await this.schema.fresh();
    const table = this.schema.tableById(row.table_id);
    const field = table?.fields.find((f) => f.id === row.field_id && f.type === ATTACHMENT_TYPE);
    if (!table || !field) throw notFound();
    let acc: Access;
    try {
      acc = this.access.forTable(user, table, 'read');
    } catch (e) {
      if (isDomainError(e) && e.code === 'FORBIDDEN') throw notFound();
      throw e;
    }
    if (!acc.canRead(field)) throw notFound();
    const rec = await this.store.fetch(this.db, table, row.record_id, acc.scope);
    if (!rec || !this.current(field, rec.data).some((a) => a.id === row.id)) throw notFound();
    const stream = await this.storage.open(row.sha256);
    if (!stream) throw new DomainError('INTERNAL', 'The file is missing from storage');
    const item = itemOf(row);
    return { stream, headers: downloadHeaders(item.name, item.type, item.size) };
  }

  /** The field named in the URL: readable, of type attachment, writable. */
  private attachmentField(table: TableMeta, ref: string, acc: Access): FieldMeta {
    const field = table.fields.find((f) => (f.key === ref || f.id === ref) && acc.canRead(f));
    if (!field)
      throw new DomainError('UNKNOWN_FIELD', `Unknown field ${JSON.stringify(String(ref).slice(0, 80))}`, {
        field: String(ref).slice(0, 80),
      });
    if (field.type !== ATTACHMENT_TYPE)
      throw invalid(field, 'NOT_AN_ATTACHMENT_FIELD', `"${field.key}" is a ${field.type} field, not an attachment field`);
    if (!acc.canWrite(field)) throw invalid(field, 'READ_ONLY', `You may not change "${field.key}"`);
    return field;
  }

  /** Streams every file of the request to temp files; all or nothing. */
  private async receive(req: FastifyRequest, field: FieldMeta, opts: FieldOptions): Promise<Incoming[]> {
    const got: Incoming[] = [];
    let tooLarge: string | undefined;
    try {
      const parts = req.parts({
        limits: { fileSize: opts.maxSize, files: MAX_FILES_PER_UPLOAD },
        preservePath: true,
        throwFileSizeLimit: false,
      } as never);
      for await (const part of parts) {
        if (part.type !== 'file') continue; // form fields carry nothing we use
        if (tooLarge !== undefined) {
          await drain(part.file);
          continue;
        }
        const blob = await this.storage.receive(part.file);
        got.push({ blob, name: this.cleanName(field, unescapeFormName(part.filename)), type: '' });
        if (part.file.truncated) tooLarge = got[got.length - 1]!.name;
      }
      if (tooLarge !== undefined) {
        throw new DomainError(
          'PAYLOAD_TOO_LARGE',
          `"${tooLarge}" is larger than the ${opts.maxSize} bytes "${field.key}" accepts; nothing was stored`,
          { field: field.key, file: tooLarge, maxSize: opts.maxSize },
        );
      }
      for (const f of got) {
        f.type = await sniffType(f.blob.tmp, f.blob.head);
        if (!acceptsType(opts.accept, f.type)) {
          throw new DomainError(
            'UNSUPPORTED_MEDIA_TYPE',
            `"${f.name}" is ${f.type}, which "${field.key}" does not accept; nothing was stored`,
            { field: field.key, file: f.name, type: f.type, accept: opts.accept },
          );
        }
      }
      return got;
    } catch (e) {
      for (const f of got) await this.storage.discard(f.blob.tmp);
      throw multipartError(e);
    }
  }

  /** Appends through the record write path; a conflict on this field is retried on the fresh value. */
  private async append(
    user: CurrentUser,
    table: TableMeta,
    field: FieldMeta,
    recordId: string,
    items: Item[],
    multiple: boolean,
    acc: Access,
  ): Promise<WireRecord> {
    for (let attempt = 1; ; attempt++) {
      const cur = await this.store.fetch(this.db, table, recordId, acc.scope);
      if (!cur) throw new DomainError('NOT_FOUND', 'Record not found');
      const next = multiple ? [...this.current(field, cur.data), ...items] : items;
      try {
        return await this.writer.update(user, table.id, cur.id, { data: { [field.key]: next }, version: cur.version });
      } catch (e) {
        if (isDomainError(e) && e.code === 'VERSION_CONFLICT' && attempt < APPEND_ATTEMPTS) continue;
        throw e;
      }
    }
  }

  /** The items a record's field holds now (wire form). */
  private current(field: FieldMeta, data: Record<string, unknown>): Item[] {
    const v = data[field.slot];
    return v === undefined || v === null ? [] : (getFieldType(ATTACHMENT_TYPE).toWire(v, field) as Item[]);
  }

  /** The field type's own rule for names (NFC, no control or bidi characters, ≤ 255), applied once on upload. */
  private cleanName(field: FieldMeta, raw: string | undefined): string {
    const probe = [{ id: '00000000-0000-7000-8000-000000000000', name: raw ?? '', size: 0, type: 'application/octet-stream' }];
    return (
      getFieldType(ATTACHMENT_TYPE).coerce(
        probe,
        { ...field, options: { ...field.options, multiple: true } },
        this.ws.valueContext(),
      ) as Item[]
    )[0]!.name;
  }
}

/** True when a sniffed type matches the field's accept patterns (`image/*`, `application/pdf`); no list accepts all. */
function acceptsType(accept: string[] | undefined, type: string): boolean {
  if (!accept) return true;
  const major = type.split('/')[0];
  return accept.some((p) => p === type || (p.endsWith('/*') && p.slice(0, -2) === major));
}

/**
 * Browsers (and fetch's FormData) write `"`, CR and LF in a file name as %22, %0D and %0A
 * (HTML's multipart/form-data encoding); the parser leaves them so. Undoing exactly
 * those three gives the name as the user saw it (line breaks then become spaces).
 */
function unescapeFormName(name: string | undefined): string {
  return (name ?? '').replace(/%(22|0D|0A)/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

function invalid(field: FieldMeta, code: string, message: string): DomainError {
  return new DomainError('VALIDATION_FAILED', message, { [field.key]: { code, message } });
}

async function drain(stream: Readable): Promise<void> {
  for await (const _chunk of stream) {
    /* discard */
  }
}

/** Errors of the multipart plugin (limits, malformed bodies) → our codes. */
function multipartError(e: unknown): unknown {
  if (isDomainError(e)) return e;
  const err = e as { code?: string; statusCode?: number; message?: string };
  if (err?.code === 'FST_FILES_LIMIT')
    return new DomainError('PAYLOAD_TOO_LARGE', `At most ${MAX_FILES_PER_UPLOAD} files per upload; nothing was stored`, {
      maxFiles: MAX_FILES_PER_UPLOAD,
    });
  if (err?.statusCode === 413) return new DomainError('PAYLOAD_TOO_LARGE', 'The upload has too many parts; nothing was stored');
  if ((typeof err?.code === 'string' && err.code.startsWith('FST_')) || /multipart|part terminated|boundary/i.test(String(err?.message))) {
    return new DomainError('VALIDATION_FAILED', 'The multipart body is malformed; nothing was stored', {
      body: { code: 'MALFORMED_MULTIPART', message: 'not a well-formed multipart/form-data body' },
    });
  }
  return e;
}
