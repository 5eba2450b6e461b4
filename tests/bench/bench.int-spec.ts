/**
 * Keeps the benchmark harness working (issue 7): runs `tests/bench/run.mjs` at a tiny size
 * on the backend of this test run (PGlite, or the server in DATABASE_URL) and checks that
 * it writes a valid results file with every case. It asserts nothing about time.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'tabula-bench-test-'));

const CASES = [
  'import invoice lines',
  'import invoice lines, against COPY into a table with the same indexes',
  'server peak RSS during import',
  'page sorted by date p50',
  'page sorted by date p95',
  'page sorted by -date p50',
  'page sorted by -date p95',
  'page sorted by -price p50',
  'page sorted by -price p95',
  'page with total p50',
  'page with total p95',
  'page with estimated total p50',
  'page with estimated total p95',
  'quick search p50',
  'quick search p95',
  'pivot sum(price) by category × month',
  'concurrent page reads at p95 < 100 ms',
  'update a line, rollup to its order p50',
  'update a line, rollup to its order p95',
  'formula evaluation, number',
  'formula evaluation, money (exact decimals)',
  'formula recompute, end to end',
];

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('benchmark harness', () => {
  it('runs at 2,000 records and writes a results file with every case', async () => {
    const out = join(dir, 'results.json');
    const script = fileURLToPath(new URL('./run.mjs', import.meta.url));
    await run(
      process.execPath,
      [
        script,
        '--records',
        '2000',
        '--other-tables',
        '2',
        '--other-records',
        '500',
        '--page-requests',
        '20',
        '--load-seconds',
        '1',
        '--out',
        out,
      ],
      {
        env: process.env,
        timeout: 540_000,
        maxBuffer: 16 * 1024 * 1024,
      },
    );
    const result = JSON.parse(readFileSync(out, 'utf8'));
    expect(result.backend).toBe(process.env.DATABASE_URL ? 'postgres' : 'pglite');
    expect(result.records).toBe(2000);
    expect(typeof result.machine.cpu).toBe('string');
    expect(Number.isNaN(Date.parse(result.date))).toBe(false);
    expect(result.cases.map((c: { name: string }) => c.name)).toEqual(CASES);
    for (const c of result.cases) {
      expect(typeof c.value, c.name).toBe('number');
      expect(Number.isFinite(c.value), c.name).toBe(true);
      expect(typeof c.unit).toBe('string');
      expect(c.baseline === null || Number.isFinite(c.baseline), c.name).toBe(true);
      expect(c.ratio === null || Number.isFinite(c.ratio), c.name).toBe(true);
    }
    // the harness's own correctness checks, recorded in the notes, all held
    const note = (name: string) => String(result.cases.find((c: { name: string }) => c.name === name)?.note ?? '');
    for (const sort of ['date', '-date', '-price'])
      expect(note(`page sorted by ${sort} p50`)).toMatch(/pages identical on (\d+)\/\1 checked/);
    expect(note('page with total p50')).toMatch(/wrong 0\b/);
    expect(note('page with estimated total p50')).toMatch(/wrong 0\b/);
    expect(note('quick search p50')).toMatch(/totals wrong 0\b/);
    expect(note('pivot sum(price) by category × month')).toMatch(/\b0 differ\b/);
    expect(note('update a line, rollup to its order p50')).toMatch(/right after the request returned in (\d+)\/\1\b/);
    expect(note('formula recompute, end to end')).toMatch(/line totals right (\d+)\/\1; orders' rollup totals right afterwards (\d+)\/\2 /);
    expect(existsSync(join(dir, 'results.plans.txt'))).toBe(true);
  }, 600_000);
});
