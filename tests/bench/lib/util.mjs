/** Small helpers of the benchmark: IPC to the server process, HTTP, statistics. */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';

export function percentile(values, p) {
  if (!values.length) return NaN;
  const s = Float64Array.from(values).sort();
  const idx = Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1));
  return s[idx];
}

export const median = (v) => percentile(v, 50);
export const round = (x, d = 2) => (Number.isFinite(x) ? Math.round(x * 10 ** d) / 10 ** d : x);

/** The server process: createApp in a child, spoken to over IPC. */
export class ServerProcess {
  constructor(env) {
    this.pending = new Map();
    this.seq = 0;
    this.child = fork(fileURLToPath(new URL('./server.mjs', import.meta.url)), [], {
      env,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      execArgv: env.BENCH_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${env.BENCH_PROFILE_DIR}`] : [],
    });
    this.exited = new Promise((res) =>
      this.child.on('exit', (code) => {
        for (const p of this.pending.values()) p.reject(new Error(`server process exited (${code})`));
        this.pending.clear();
        res(code);
      }),
    );
    this.child.on('message', (m) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.ok) p.resolve(m.result);
      else p.reject(new Error(m.error));
    });
  }
  call(cmd, args) {
    const id = ++this.seq;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.child.send({ id, cmd, args });
    });
  }
  get pid() {
    return this.child.pid;
  }
}

/** A minimal JSON client with a bearer token; `time` gives the client-observed latency. */
export class Api {
  constructor(base) {
    this.base = base;
    this.token = undefined;
  }
  async req(method, path, body, { parse = true } = {}) {
    const headers = {};
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    let payload;
    if (body !== undefined) {
      payload = typeof body === 'string' ? body : JSON.stringify(body);
      headers['content-type'] = 'application/json';
    }
    const t = performance.now();
    const res = await fetch(this.base + path, { method, headers, body: payload });
    const text = await res.text();
    const ms = performance.now() - t;
    let json;
    if (parse) {
      try {
        json = text ? JSON.parse(text) : undefined;
      } catch {
        json = text;
      }
    }
    return { status: res.status, body: json, ms, bytes: text.length };
  }
  async ok(method, path, body, opts) {
    const r = await this.req(method, path, body, opts);
    if (r.status >= 300)
      throw new Error(
        `${method} ${path} → ${r.status} ${String(JSON.stringify(r.body) ?? `(${r.bytes} bytes, not parsed)`).slice(0, 800)}`,
      );
    return r;
  }
  get(path, opts) {
    return this.ok('GET', path, undefined, opts);
  }
  post(path, body, opts) {
    return this.ok('POST', path, body, opts);
  }
  patch(path, body, opts) {
    return this.ok('PATCH', path, body, opts);
  }
}

export function qs(params) {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined) u.set(k, typeof v === 'string' ? v : JSON.stringify(v));
  return '?' + u.toString();
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
