/**
 * Attachments over HTTP (issue #3, item 5): multipart uploads of one or many files to an
 * attachment field, byte-for-byte downloads with safe headers, hostile names that never
 * touch the file system, types sniffed from the content (a renamed executable, SVG and
 * HTML served as downloads), the size limit (413, nothing changed), rights and the trash
 * (404), removal by PATCH and the history. PGlite by default, PostgreSQL with DATABASE_URL.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, statSync, utimesSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, q, setupAdmin, startTabula, type Res, type TestServer } from '../helpers/tabula.js';

let server: TestServer;
let api: Client;
let dir: string;

const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082',
  'hex',
);
const pdf = (n = 0) =>
  Buffer.concat([Buffer.from('%PDF-1.4\n1 0 obj\n<<>>\nendobj\n'), randomBytes(n), Buffer.from('\ntrailer\n<<>>\n%%EOF\n')]);
const ELF = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), Buffer.alloc(248)]);
const PE = (() => {
  const b = Buffer.alloc(512);
  b.write('MZ', 0, 'latin1');
  b.writeUInt32LE(0x80, 0x3c);
  b.write('PE\0\0', 0x80, 'latin1');
  return b;
})();
const SVG = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(document.cookie)</script></svg>');
const HTML = Buffer.from('<!doctype html><html><body><script>fetch("/api/auth/me")</script></body></html>');
const TEXT = Buffer.from('Ledger notes: ăș✓\n');

interface FileSpec {
  name: string;
  data: Buffer;
  type?: string;
}

/** A multipart upload as a browser sends it (FormData), with the client's claimed types. */
async function upload(path: string, files: FileSpec[], client = api): Promise<Res> {
  const fd = new FormData();
  for (const f of files) fd.append('files', new Blob([new Uint8Array(f.data)], { type: f.type ?? 'application/octet-stream' }), f.name);
  return send(path, fd, {}, client);
}

/** A hand-made multipart body, to send exactly the Content-Disposition headers given. */
async function uploadRaw(path: string, parts: { disposition: string; data: Buffer }[]): Promise<Res> {
  const boundary = '----tabula' + randomBytes(8).toString('hex');
  const chunks: Buffer[] = [];
  for (const p of parts)
    chunks.push(
      Buffer.from(`--${boundary}\r\nContent-Disposition: ${p.disposition}\r\nContent-Type: text/plain\r\n\r\n`, 'utf8'),
      p.data,
      Buffer.from('\r\n'),
    );
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return send(path, Buffer.concat(chunks), { 'content-type': `multipart/form-data; boundary=${boundary}` });
}

async function send(path: string, body: FormData | Buffer, headers: Record<string, string>, client = api): Promise<Res> {
  const res = await fetch(server.url + path, {
    method: 'POST',
    headers: { authorization: `Bearer ${client.token}`, ...headers },
    body: body instanceof FormData ? body : new Uint8Array(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
}

async function download(id: string, client = api): Promise<{ status: number; headers: Headers; bytes: Buffer }> {
  const res = await fetch(`${server.url}/api/attachments/${id}`, { headers: { authorization: `Bearer ${client.token}` } });
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}

async function newDoc(title = 'doc'): Promise<{ id: string; version: number }> {
  const r = await api.post('/api/tables/docs/records', { data: { title } });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body;
}

const to = (id: string, field = 'files') => `/api/tables/docs/records/${id}/attachments/${field}`;

async function attachmentRows(): Promise<number> {
  const [row] = await server.tabula.db.query<{ n: number }>('SELECT count(*)::int AS n FROM attachment');
  return row!.n;
}

/** Every file under the attachments folder, relative to it. */
function storedFiles(): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d)) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out;
}

function expectSafeHeaders(h: Headers) {
  expect(h.get('content-disposition')).toMatch(/^attachment; filename="[\x20-\x7e]*"; filename\*=UTF-8''[A-Za-z0-9%!#$&+.^_`|~-]+$/);
  expect(h.get('x-content-type-options')).toBe('nosniff');
  expect(h.get('content-security-policy')).toBe("default-src 'none'; sandbox");
  expect(h.get('cache-control')).toBe('private');
}

function nameOf(h: Headers): string {
  return decodeURIComponent(/filename\*=UTF-8''(.+)$/.exec(h.get('content-disposition')!)![1]!);
}

beforeAll(async () => {
  server = await startTabula();
  api = await setupAdmin(server.url);
  dir = server.tabula.config.attachmentsDir;
  const r = await api.post('/api/tables', {
    key: 'docs',
    label: 'Documents',
    primaryField: 'title',
    fields: [
      { key: 'title', label: 'Title', type: 'text' },
      { key: 'files', label: 'Files', type: 'attachment' },
      { key: 'scans', label: 'Scans', type: 'attachment', options: { maxSize: 1024, accept: ['application/pdf', 'image/*'] } },
      { key: 'contract', label: 'Contract', type: 'attachment', options: { multiple: false } },
    ],
  });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
});

afterAll(async () => {
  await server?.close();
  if (dir) expect(existsSync(dir)).toBe(false); // an in-memory database's files go with it
});

describe('upload and download', () => {
  it('uploads several files at once and serves each back byte for byte with safe headers', async () => {
    const doc = await newDoc('several');
    const big = pdf(3 * 1024 * 1024); // larger than the JSON body limit: multipart streams
    const r = await upload(to(doc.id), [
      { name: 'pixel.png', data: PNG, type: 'text/html' }, // the claimed type is ignored
      { name: 'big.pdf', data: big },
      { name: 'notes.txt', data: TEXT },
    ]);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body.version).toBe(doc.version + 1);
    const files = r.body.data.files;
    expect(files.map((f: { name: string; size: number; type: string }) => [f.name, f.size, f.type])).toEqual([
      ['pixel.png', PNG.length, 'image/png'],
      ['big.pdf', big.length, 'application/pdf'],
      ['notes.txt', TEXT.length, 'text/plain'],
    ]);
    const want: [Buffer, string][] = [
      [PNG, 'image/png'],
      [big, 'application/pdf'],
      [TEXT, 'text/plain; charset=utf-8'],
    ];
    for (const [i, f] of files.entries()) {
      const d = await download(f.id);
      expect(d.status).toBe(200);
      expect(d.bytes.equals(want[i]![0])).toBe(true);
      expect(d.headers.get('content-type')).toBe(want[i]![1]);
      expect(d.headers.get('content-length')).toBe(String(want[i]![0].length));
      expectSafeHeaders(d.headers);
      expect(nameOf(d.headers)).toBe(f.name);
    }
    const list = await api.get(`/api/tables/docs/records${q({ filter: { field: 'files', op: 'isNotEmpty' } })}`);
    expect(list.body.items.map((x: { id: string }) => x.id)).toEqual([doc.id]);
  });

  it('appends to what the field holds, stores equal content once, and keeps the history', async () => {
    const doc = await newDoc('append');
    const first = await upload(to(doc.id), [{ name: 'a.pdf', data: pdf(10) }]);
    const blobs = storedFiles().length;
    const same = Buffer.from(TEXT);
    const r1 = await upload(to(doc.id), [{ name: 'one.txt', data: same }]);
    const r2 = await upload(to(doc.id), [{ name: 'two.txt', data: same }]);
    expect(r2.status).toBe(201);
    expect(r2.body.data.files.map((f: { name: string }) => f.name)).toEqual(['a.pdf', 'one.txt', 'two.txt']);
    expect(r2.body.version).toBe(first.body.version + 2);
    expect(storedFiles().length).toBeLessThanOrEqual(blobs + 1); // TEXT may already be stored by the first test
    const hist = await api.get(`/api/tables/docs/records/${doc.id}/history`);
    expect(hist.body.items[0].changes).toEqual({ files: { from: r1.body.data.files, to: r2.body.data.files } });
  });

  it('lets concurrent uploads to one field all land (appends are retried on conflict)', async () => {
    const doc = await newDoc('concurrent');
    const rs = await Promise.all(['x', 'y', 'z'].map((n) => upload(to(doc.id), [{ name: `${n}.txt`, data: Buffer.from(n) }])));
    expect(rs.map((r) => r.status)).toEqual([201, 201, 201]);
    const rec = await api.get(`/api/tables/docs/records/${doc.id}`);
    expect(rec.body.data.files.map((f: { name: string }) => f.name).sort()).toEqual(['x.txt', 'y.txt', 'z.txt']);
  });

  it('replaces the file of a single-file field and refuses two at once', async () => {
    const doc = await newDoc('single');
    await upload(to(doc.id, 'contract'), [{ name: 'v1.pdf', data: pdf(1) }]);
    const r = await upload(to(doc.id, 'contract'), [{ name: 'v2.pdf', data: pdf(2) }]);
    expect(r.body.data.contract.map((f: { name: string }) => f.name)).toEqual(['v2.pdf']);
    const two = await upload(to(doc.id, 'contract'), [
      { name: 'a.pdf', data: pdf(3) },
      { name: 'b.pdf', data: pdf(4) },
    ]);
    expect(two.status).toBe(400);
    expect(two.body.error.details.contract.code).toBe('TOO_MANY_VALUES');
  });
});

describe('hostile names', () => {
  it('stores names as given, cleaned for display, and never uses them as paths', async () => {
    const doc = await newDoc('names');
    const before = storedFiles();
    const r = await uploadRaw(to(doc.id), [
      { disposition: 'form-data; name="f"; filename="../../etc/passwd"', data: Buffer.from('root:x:0:0\n') },
      { disposition: `form-data; name="f"; filename*=UTF-8''invoice%E2%80%AEfdp.exe`, data: Buffer.from('rtl\n') },
      { disposition: 'form-data; name="f"; filename="Report %22final%22%0Aversion 2.txt"', data: Buffer.from('browser-escaped\n') },
      { disposition: `form-data; name="f"; filename*=UTF-8''a%09b%00c%C2%85d%E2%80%A8e.txt`, data: Buffer.from('controls\n') },
      { disposition: 'form-data; name="f"; filename="/tmp/x\u202Eevil.txt"', data: Buffer.from('raw utf-8\n') },
    ]);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const files = r.body.data.files as { id: string; name: string }[];
    expect(files.map((f) => f.name)).toEqual([
      '../../etc/passwd',
      'invoicefdp.exe',
      'Report "final" version 2.txt',
      'a b c d e.txt',
      '/tmp/xevil.txt',
    ]);
    for (const f of files) {
      const d = await download(f.id);
      expect(d.status).toBe(200);
      expectSafeHeaders(d.headers);
      expect(d.headers.get('content-disposition')).not.toMatch(/[\r\n\u202e]|filename="[^"]*\//);
      expect(nameOf(d.headers)).toBe(f.name);
    }
    // only content-addressed blobs were written: no name reached the file system
    const added = storedFiles().filter((p) => !before.includes(p));
    expect(added.length).toBe(5);
    for (const p of storedFiles()) expect(p).toMatch(/^[0-9a-f]{2}\/[0-9a-f]{2}\/[0-9a-f]{64}$/);
    expect(existsSync(join(dir, '..', '..', 'etc', 'passwd'))).toBe(existsSync('/etc/passwd'));
  });

  it('a name with a raw line break is dropped by the parser, so nothing is stored', async () => {
    const doc = await newDoc('crlf');
    const rows = await attachmentRows();
    const r = await uploadRaw(to(doc.id), [
      { disposition: `form-data; name="f"; filename*=UTF-8''a%0D%0AContent-Type%3A%20text%2Fhtml.txt`, data: Buffer.from('x') },
    ]);
    expect(r.status).toBe(400);
    expect(r.body.error.details.files.code).toBe('NO_FILES');
    expect(await attachmentRows()).toBe(rows);
  });
});

describe('types from the content', () => {
  it('gives a renamed executable its sniffed type and serves it as octet-stream', async () => {
    const doc = await newDoc('exe');
    const r = await upload(to(doc.id), [
      { name: 'invoice.pdf', data: ELF, type: 'application/pdf' },
      { name: 'statement.pdf', data: PE, type: 'application/pdf' },
    ]);
    expect(r.status).toBe(201);
    expect(r.body.data.files.map((f: { type: string }) => f.type)).toEqual(['application/x-elf', 'application/x-msdownload']);
    for (const [i, f] of r.body.data.files.entries()) {
      const d = await download(f.id);
      expect(d.headers.get('content-type')).toBe('application/octet-stream');
      expect(d.bytes.equals([ELF, PE][i]!)).toBe(true);
      expectSafeHeaders(d.headers);
    }
  });

  it('serves SVG and HTML as downloads, never rendered', async () => {
    const doc = await newDoc('markup');
    const r = await upload(to(doc.id), [
      { name: 'logo.svg', data: SVG, type: 'image/svg+xml' },
      { name: 'page.html', data: HTML, type: 'text/html' },
      { name: 'innocent.png', data: HTML, type: 'image/png' },
    ]);
    expect(r.body.data.files.map((f: { type: string }) => f.type)).toEqual(['image/svg+xml', 'text/html', 'text/html']);
    for (const f of r.body.data.files) {
      const d = await download(f.id);
      expect(d.headers.get('content-type')).toBe('application/octet-stream');
      expect(d.headers.get('content-disposition')).toMatch(/^attachment;/);
      expectSafeHeaders(d.headers);
    }
  });

  it('refuses a type the field does not accept (415), storing nothing', async () => {
    const doc = await newDoc('accept');
    const [rows, blobs] = [await attachmentRows(), storedFiles().length];
    const r = await upload(to(doc.id, 'scans'), [
      { name: 'ok.png', data: PNG },
      { name: 'scan.pdf', data: ELF, type: 'application/pdf' },
    ]);
    expect(r.status).toBe(415);
    expect(r.body.error).toMatchObject({
      code: 'UNSUPPORTED_MEDIA_TYPE',
      details: { field: 'scans', file: 'scan.pdf', type: 'application/x-elf' },
    });
    expect(await attachmentRows()).toBe(rows);
    expect(storedFiles().length).toBe(blobs);
    expect((await api.get(`/api/tables/docs/records/${doc.id}`)).body.version).toBe(doc.version);
    expect((await upload(to(doc.id, 'scans'), [{ name: 'ok.png', data: PNG }])).status).toBe(201);
  });
});

describe('the size limit', () => {
  it('answers 413 over maxSize and changes nothing, even when other files fit', async () => {
    const doc = await newDoc('limit');
    const [rows, blobs] = [await attachmentRows(), storedFiles().length];
    for (const files of [
      [{ name: 'big.pdf', data: pdf(2000) }],
      [
        { name: 'small.png', data: PNG },
        { name: 'big.pdf', data: pdf(2000) },
        { name: 'after.png', data: PNG },
      ],
    ]) {
      const r = await upload(to(doc.id, 'scans'), files);
      expect(r.status).toBe(413);
      expect(r.body.error).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', details: { field: 'scans', file: 'big.pdf', maxSize: 1024 } });
    }
    expect(await attachmentRows()).toBe(rows);
    expect(storedFiles().length).toBe(blobs); // no blob, no temp file left behind
    const rec = await api.get(`/api/tables/docs/records/${doc.id}`);
    expect(rec.body.version).toBe(doc.version);
    expect(rec.body.data.scans).toBeNull();
  });
});

describe('rights', () => {
  async function login(key: string, body: Record<string, unknown>): Promise<Client> {
    const r = await api.post('/api/users', { email: `${key}@example.com`, password: 'a long enough password', name: key, ...body });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const c = new Client(server.url);
    c.token = (await c.post('/api/auth/login', { email: `${key}@example.com`, password: 'a long enough password' })).body.token;
    return c;
  }

  it('downloads need the record in the read scope and a readable field; uploads need update rights', async () => {
    const role = await api.post('/api/roles', {
      name: 'Public docs clerk',
      rules: [
        { action: 'read', subject: 'docs', conditions: { title: 'public' } },
        { action: 'read', subject: 'docs', fields: ['scans'], inverted: true },
        { action: 'update', subject: 'docs', fields: ['files'] },
      ],
    });
    expect(role.status, JSON.stringify(role.body)).toBe(201);
    const clerk = await login('clerk', { roles: ['Public docs clerk'] });
    const viewer = await login('viewer', { roles: ['Viewer'] });
    const pub = await newDoc('public');
    const priv = await newDoc('private');
    const pubFile = (await upload(to(pub.id), [{ name: 'p.txt', data: Buffer.from('public file') }])).body.data.files[0];
    const pubScan = (await upload(to(pub.id, 'scans'), [{ name: 's.png', data: PNG }])).body.data.scans[0];
    const privFile = (await upload(to(priv.id), [{ name: 'q.txt', data: Buffer.from('private file') }])).body.data.files[0];

    expect((await download(pubFile.id, clerk)).status).toBe(200);
    expect((await download(pubScan.id, clerk)).status).toBe(404); // field not readable
    expect((await download(privFile.id, clerk)).status).toBe(404); // record outside the read scope
    expect((await download(pubFile.id, viewer)).status).toBe(200);

    expect((await upload(to(pub.id), [{ name: 'c.txt', data: Buffer.from('by clerk') }], clerk)).status).toBe(201);
    expect((await upload(to(priv.id), [{ name: 'c.txt', data: Buffer.from('by clerk') }], clerk)).status).toBe(404);
    expect((await upload(to(pub.id, 'scans'), [{ name: 'c.png', data: PNG }], clerk)).body.error.code).toBe('UNKNOWN_FIELD');
    const ro = await upload(to(pub.id, 'contract'), [{ name: 'c.pdf', data: pdf(1) }], clerk);
    expect(ro.status).toBe(400);
    expect(ro.body.error.details.contract.code).toBe('READ_ONLY');
    expect((await upload(to(pub.id), [{ name: 'v.txt', data: Buffer.from('by viewer') }], viewer)).status).toBe(403);
  });
});

describe('the trash, removal and bad input', () => {
  it('404s an unknown or malformed id, and a file of a record in the trash', async () => {
    expect((await download('0192f0c1-7a4b-7cde-8f00-123456789abc')).status).toBe(404);
    expect((await download('..%2F..%2Fetc%2Fpasswd')).status).toBe(404);
    const doc = await newDoc('trash');
    const id = (await upload(to(doc.id), [{ name: 'a.txt', data: TEXT }])).body.data.files[0].id;
    expect((await download(id)).status).toBe(200);
    expect((await api.del(`/api/tables/docs/records/${doc.id}`)).status).toBe(204);
    const gone = await download(id);
    expect(gone.status).toBe(404);
    expect(JSON.parse(gone.bytes.toString()).error.code).toBe('NOT_FOUND');
    expect((await upload(to(doc.id), [{ name: 'b.txt', data: TEXT }])).status).toBe(404);
    expect((await api.post(`/api/tables/docs/records/${doc.id}/restore`)).status).toBe(200);
    expect((await download(id)).status).toBe(200);
  });

  it('removes a file by PATCHing the field without it; the file is then 404 and the history shows it', async () => {
    const doc = await newDoc('remove');
    const up = await upload(to(doc.id), [
      { name: 'keep.txt', data: Buffer.from('keep') },
      { name: 'drop.txt', data: Buffer.from('drop') },
    ]);
    const [keep, drop] = up.body.data.files;
    const r = await api.patch(`/api/tables/docs/records/${doc.id}`, { data: { files: [keep] }, version: up.body.version });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect((await download(drop.id)).status).toBe(404);
    expect((await download(keep.id)).status).toBe(200);
    const hist = await api.get(`/api/tables/docs/records/${doc.id}/history`);
    expect(hist.body.items[0].changes).toEqual({ files: { from: [keep, drop], to: [keep] } });
    expect(hist.body.items[1].changes).toEqual({ files: { from: null, to: [keep, drop] } });
  });

  it('refuses bad requests with a clear 4xx', async () => {
    const doc = await newDoc('bad');
    const title = await upload(to(doc.id, 'title'), [{ name: 'a.txt', data: TEXT }]);
    expect(title.status).toBe(400);
    expect(title.body.error.details.title.code).toBe('NOT_AN_ATTACHMENT_FIELD');
    expect((await upload(to(doc.id, 'nope'), [{ name: 'a.txt', data: TEXT }])).body.error.code).toBe('UNKNOWN_FIELD');
    expect(
      (await upload('/api/tables/docs/records/0192f0c1-7a4b-7cde-8f00-123456789abc/attachments/files', [{ name: 'a.txt', data: TEXT }]))
        .status,
    ).toBe(404);
    expect((await upload(to('not-a-uuid'), [{ name: 'a.txt', data: TEXT }])).status).toBe(404);
    const json = await api.post(to(doc.id), { files: [] });
    expect(json.status).toBe(415);
    expect(json.body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    const none = await upload(to(doc.id), []);
    expect(none.status).toBe(400);
    const rows = await attachmentRows();
    const many = await upload(
      to(doc.id),
      Array.from({ length: 21 }, (_, i) => ({ name: `${i}.txt`, data: Buffer.from(`file ${i}`) })),
    );
    expect(many.status).toBe(413);
    expect(many.body.error.details).toEqual({ maxFiles: 20 });
    expect(await attachmentRows()).toBe(rows);
    const anon = await fetch(server.url + to(doc.id), { method: 'POST', body: new FormData() });
    expect(anon.status).toBe(401);
    expect((await fetch(`${server.url}/api/attachments/0192f0c1-7a4b-7cde-8f00-123456789abc`)).status).toBe(401);
    const bad = await api.patch(`/api/tables/docs/records/${doc.id}`, {
      data: { files: [{ id: 'x', name: 'a', size: 1, type: 'text/plain', path: '/etc' }] },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.files.code).toBe('INVALID_ATTACHMENT');
    expect((await api.get(`/api/tables/docs/records${q({ sort: 'files' })}`)).status).toBe(400);
    expect((await api.get(`/api/tables/docs/records${q({ filter: { field: 'files', op: 'eq', value: 'x' } })}`)).status).toBe(400);
    expect((await api.get(`/api/tables/docs/records/${doc.id}`)).body.version).toBe(doc.version);
  });

  it('the write-path check refuses ids of other records and rewrites items from their rows', async () => {
    const { AttachmentRefs } = await import('@tabula/api/records/attachment-refs.service.js');
    const { SchemaService } = await import('@tabula/api/schema/schema.service.js');
    const refs = server.tabula.app.get(AttachmentRefs);
    const table = await server.tabula.app.get(SchemaService).table('docs');
    const slot = table.fields.find((f: { key: string }) => f.key === 'files')!.slot;
    const a = await newDoc('owner');
    const b = await newDoc('borrower');
    const file = (await upload(to(a.id), [{ name: 'secret.txt', data: Buffer.from('secret') }])).body.data.files[0];
    const refused = (recordId: string, value: unknown[]) => refs.verifyPatch(server.tabula.db, table, recordId, { [slot]: value });
    await expect(refused(b.id, [file])).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      details: { files: { code: 'UNKNOWN_ATTACHMENT' } },
    });
    await expect(refused(a.id, [{ ...file, id: '0192f0c1-7a4b-7cde-8f00-123456789abc' }])).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    const patch: Record<string, unknown> = { [slot]: [{ ...file, name: 'renamed.exe', size: 1, type: 'image/png' }] };
    await refs.verifyPatch(server.tabula.db, table, a.id, patch);
    expect(patch[slot]).toEqual([file]);
  });

  it('refuses a value that names another record’s attachment', async () => {
    const a = await newDoc('owner');
    const b = await newDoc('borrower');
    const file = (await upload(to(a.id), [{ name: 'secret.txt', data: Buffer.from('secret') }])).body.data.files[0];
    const r = await api.patch(`/api/tables/docs/records/${b.id}`, { data: { files: [file] } });
    expect(r.status).toBe(400);
    expect(r.body.error.details.files.code).toBe('UNKNOWN_ATTACHMENT');
    const forged = await api.patch(`/api/tables/docs/records/${a.id}`, { data: { files: [{ ...file, name: 'renamed.exe', size: 1 }] } });
    expect(forged.body.data.files).toEqual([file]);
  });
});

describe('the blob collector', () => {
  const blobOf = (sha: string) => join(dir, sha.slice(0, 2), sha.slice(2, 4), sha);
  const shaOf = async (id: string) =>
    (await server.tabula.db.query<{ sha256: string }>('SELECT sha256 FROM attachment WHERE id = $1', [id]))[0]!.sha256;
  const age = (path: string) => utimesSync(path, new Date(Date.now() - 2 * 3600_000), new Date(Date.now() - 2 * 3600_000));

  it('removes blobs no row names any more (a deleted field), keeps shared, named and fresh ones', async () => {
    expect(
      (
        await api.post('/api/tables', {
          key: 'scratch',
          label: 'Scratch',
          fields: [
            { key: 'title', label: 'Title', type: 'text' },
            { key: 'files', label: 'Files', type: 'attachment' },
          ],
        })
      ).status,
    ).toBe(201);
    const s = await api.post('/api/tables/scratch/records', { data: { title: 's' } });
    const shared = Buffer.from('content kept by another record ' + randomBytes(8).toString('hex'));
    const lonely = Buffer.from('content only the scratch field had ' + randomBytes(8).toString('hex'));
    const scratchFiles = (
      await upload(`/api/tables/scratch/records/${s.body.id}/attachments/files`, [
        { name: 'a.txt', data: shared },
        { name: 'b.txt', data: lonely },
      ])
    ).body.data.files;
    const doc = await newDoc('keeps the shared content');
    const docFile = (await upload(to(doc.id), [{ name: 'same.txt', data: shared }])).body.data.files[0];
    const [sharedSha, lonelySha] = [await shaOf(scratchFiles[0].id), await shaOf(scratchFiles[1].id)];
    expect(await shaOf(docFile.id)).toBe(sharedSha);

    // a non-administrator may not run it
    const pw = 'a long enough password';
    expect((await api.post('/api/users', { email: 'gc-viewer@example.com', password: pw, roles: ['Viewer'] })).status).toBe(201);
    const viewer = new Client(server.url);
    viewer.token = (await viewer.post('/api/auth/login', { email: 'gc-viewer@example.com', password: pw })).body.token;
    expect((await viewer.post('/api/admin/attachments/gc')).status).toBe(403);

    expect((await api.del('/api/tables/scratch/fields/files')).status).toBeLessThan(300);
    // fresh blobs are left alone for the grace period (an upload may be about to name them)
    const fresh = await api.post('/api/admin/attachments/gc');
    expect(fresh.status, JSON.stringify(fresh.body)).toBe(200);
    expect(existsSync(blobOf(lonelySha))).toBe(true);
    for (const f of storedFiles().filter((p) => !p.startsWith('tmp'))) age(join(dir, f));
    const r = await api.post('/api/admin/attachments/gc');
    expect(r.body).toMatchObject({ removed: 1, bytesFreed: lonely.length });
    expect(existsSync(blobOf(lonelySha))).toBe(false);
    expect(existsSync(blobOf(sharedSha))).toBe(true);
    const back = await download(docFile.id);
    expect(back.status).toBe(200);
    expect(back.bytes.equals(shared)).toBe(true);
    // uploading content whose blob exists touches it: a pass racing the upload's row keeps it
    age(blobOf(sharedSha));
    await upload(to(doc.id), [{ name: 'again.txt', data: shared }]);
    expect(statSync(blobOf(sharedSha)).mtimeMs).toBeGreaterThan(Date.now() - 60_000);
    expect((await api.post('/api/admin/attachments/gc')).body.removed).toBe(0);
  });
});
