#!/usr/bin/env node
/**
 * The dependency rule of the repository (issue 13), checked in CI:
 * - packages never import apps, and a package imports only the packages below it
 *   (schema-engine ← formula ← report-builder);
 * - the API's folders form no cycle, and each imports only folders of its own or a lower
 *   floor, as apps/api/src/layers.json lists them (bottom first).
 * Lint rules see one file at a time; cycles and floors are properties of the whole graph,
 * so they are computed here from the import statements themselves.
 * Usage: node scripts/check-deps.mjs  (exit 1 with the offending imports listed)
 */
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const problems = [];

function files(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) {
      if (name !== 'node_modules' && name !== 'dist') out.push(...files(p));
    } else if (/\.(ts|mts|js|mjs)$/.test(name) && !/\.d\.ts$/.test(name)) out.push(p);
  }
  return out;
}

/** Module specifiers of import/export statements and dynamic imports (comments stripped). */
function imports(file) {
  const text = readFileSync(file, 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/^\s*\/\/.*$/gm, '');
  const out = [];
  const re = /(?:import|export)\s[^'"`;]*?from\s*['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s*['"]([^'"]+)['"]/gm;
  for (let m; (m = re.exec(text));) out.push(m[1] ?? m[2] ?? m[3]);
  return out;
}

// 1. packages
const PACKAGE_ORDER = ['schema-engine', 'formula', 'report-builder'];
for (const [i, pkg] of PACKAGE_ORDER.entries()) {
  const src = join(root, 'packages', pkg, 'src');
  for (const f of files(src)) {
    for (const spec of imports(f)) {
      const rel = relative(root, f);
      if (/^@tabula\/(api|designer|tests)\b/.test(spec) || /(^|\/)apps\//.test(spec))
        problems.push(`${rel}: a package imports an app (${spec})`);
      const m = /^@tabula\/([a-z-]+)/.exec(spec);
      if (m && PACKAGE_ORDER.includes(m[1]) && PACKAGE_ORDER.indexOf(m[1]) >= i && m[1] !== pkg)
        problems.push(`${rel}: ${pkg} imports ${m[1]}, which sits above it`);
      if (spec.startsWith('.') && !resolve(dirname(f), spec).startsWith(src + sep))
        problems.push(`${rel}: reaches outside its package (${spec})`);
    }
  }
}

// 2. the API's folders
const apiSrc = join(root, 'apps/api/src');
const layersFile = join(apiSrc, 'layers.json');
const layers = existsSync(layersFile) ? JSON.parse(readFileSync(layersFile, 'utf8')).floors : null;
const floorOf = new Map();
if (layers) layers.forEach((floor, i) => floor.forEach((folder) => floorOf.set(folder, i)));
const folderOf = (file) => {
  const rel = relative(apiSrc, file).split(sep);
  return rel.length > 1 ? rel[0] : '.';
};
const edges = new Map();
for (const f of files(apiSrc)) {
  const from = folderOf(f);
  if (/\.spec\.ts$/.test(f)) continue;
  for (const spec of imports(f)) {
    if (!spec.startsWith('.')) continue;
    const target = resolve(dirname(f), spec);
    if (!target.startsWith(apiSrc + sep)) {
      problems.push(`${relative(root, f)}: reaches outside apps/api/src (${spec})`);
      continue;
    }
    const to = folderOf(target);
    if (to === from || from === '.') continue;
    if (!edges.has(from)) edges.set(from, new Map());
    if (!edges.get(from).has(to)) edges.get(from).set(to, relative(root, f));
  }
}
if (layers) {
  for (const folder of new Set([...edges.keys(), ...[...edges.values()].flatMap((m) => [...m.keys()])])) {
    if (folder !== '.' && !floorOf.has(folder)) problems.push(`apps/api/src/${folder}: not on any floor of apps/api/src/layers.json`);
  }
  for (const [from, tos] of edges) {
    for (const [to, file] of tos) {
      if (to === '.') problems.push(`${file}: imports the app's root files from a feature folder`);
      else if (floorOf.has(from) && floorOf.has(to) && floorOf.get(to) > floorOf.get(from))
        problems.push(`${file}: ${from} (floor ${floorOf.get(from)}) imports ${to} (floor ${floorOf.get(to)}), upward`);
    }
  }
}
// folder cycles (Tarjan's strongly connected components)
let index = 0;
const idx = new Map();
const low = new Map();
const stack = [];
const on = new Set();
function strong(v) {
  idx.set(v, index);
  low.set(v, index++);
  stack.push(v);
  on.add(v);
  for (const w of edges.get(v)?.keys() ?? []) {
    if (!idx.has(w)) {
      strong(w);
      low.set(v, Math.min(low.get(v), low.get(w)));
    } else if (on.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
  }
  if (low.get(v) === idx.get(v)) {
    const comp = [];
    let w;
    do {
      w = stack.pop();
      on.delete(w);
      comp.push(w);
    } while (w !== v);
    if (comp.length > 1) {
      const via = comp.flatMap((a) => comp.filter((b) => edges.get(a)?.has(b)).map((b) => `${a} → ${b} (${edges.get(a).get(b)})`));
      problems.push(`folder cycle in apps/api/src: ${comp.sort().join(', ')}\n    ${via.join('\n    ')}`);
    }
  }
}
for (const v of edges.keys()) if (!idx.has(v)) strong(v);

if (problems.length) {
  console.error(`Dependency rule: ${problems.length} problem(s)\n- ${problems.join('\n- ')}`);
  process.exit(1);
}
console.log(
  `Dependency rule holds: packages ${PACKAGE_ORDER.join(' ← ')}; apps/api/src ${edges.size} folders, no cycle${layers ? `, ${layers.length} floors` : ''}.`,
);
