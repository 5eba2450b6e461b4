#!/usr/bin/env node
/**
 * `npm start`: builds what is missing (packages, API, designer), then runs the server.
 * Set TABULA_REBUILD=1 to force a build.
 */
import { spawnSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const needed = [
  'packages/schema-engine/dist/index.js',
  'packages/formula/dist/index.js',
  'packages/report-builder/dist/index.js',
  'apps/api/dist/main.js',
  'apps/designer/build/index.html',
];
if (process.env.TABULA_REBUILD === '1' || needed.some((p) => !existsSync(join(root, p)))) {
  console.log('Building Tabula (first start)…');
  const r = spawnSync('npx', ['turbo', 'run', 'build', '--output-logs=errors-only'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
const child = spawn(process.execPath, [join(root, 'apps/api/dist/main.js')], { cwd: root, stdio: 'inherit', env: process.env });
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
