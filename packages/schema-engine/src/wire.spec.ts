/**
 * The `wire` entry point loads in a browser: nothing it reaches imports a `node:` module or
 * a bare package, or uses Node's globals (Buffer, process). The designer bundles it.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const IMPORT_RE = /(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s+'([^']+)'|(?:^|\n)\s*import\s+'([^']+)'/g;

/** The source files reached from `entry` by static imports, and the bare imports among them. */
function closure(entry: string): { files: string[]; bare: string[] } {
  const seen = new Set<string>();
  const bare: string[] = [];
  const stack = [normalize(join(here, entry))];
  while (stack.length) {
    const file = stack.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const m of readFileSync(file, 'utf8').matchAll(IMPORT_RE)) {
      const spec = m[1] ?? m[2]!;
      if (spec.startsWith('.')) stack.push(normalize(join(dirname(file), spec.replace(/\.js$/, '.ts'))));
      else bare.push(`${file.slice(here.length + 1)} → ${spec}`);
    }
  }
  return { files: [...seen], bare };
}

describe('@tabula/schema-engine/wire', () => {
  const { files, bare } = closure('wire.ts');

  test('reaches the field types (the registry the designer reads)', () => {
    expect(files.some((f) => f.endsWith('money.field-type.ts'))).toBe(true);
  });

  test('imports no node: module and no other package', () => {
    expect(bare).toEqual([]);
  });

  test('uses no Node global', () => {
    const offenders = files.filter((f) =>
      /\b(Buffer|process)\s*\./.test(readFileSync(f, 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '')),
    );
    expect(offenders.map((f) => f.slice(here.length + 1))).toEqual([]);
  });
});
