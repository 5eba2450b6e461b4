#!/usr/bin/env node
/**
 * Prints the results files (tests/bench/results/*.json, or the files given) as Markdown
 * tables for docs/benchmarks.md: one table per run, every case with its baseline and ratio.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('./results/', import.meta.url));
const files = process.argv.slice(2).length
  ? process.argv.slice(2)
  : readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .map((f) => join(dir, f));

const fmt = (v) => {
  if (v === null || v === undefined) return '—';
  if (Math.abs(v) >= 1000) return Math.round(v).toLocaleString('en-US');
  if (Math.abs(v) >= 100) return v.toFixed(0);
  if (Math.abs(v) >= 10) return v.toFixed(1);
  return v.toFixed(2);
};

for (const f of files) {
  const r = JSON.parse(readFileSync(f, 'utf8'));
  console.log(`### ${r.backend}, ${r.records.toLocaleString('en-US')} records\n`);
  console.log(
    `\`${r.command}\` — ${r.date.slice(0, 16).replace('T', ' ')} UTC, ${r.machine.cores} × ${r.machine.cpu}, ${r.machine.memoryGiB} GiB, Node ${r.machine.node}, ${r.machine.database.split(' on ')[0]}; other tables ${r.options.otherTables} × ${r.options.otherRecords.toLocaleString('en-US')}; run took ${Math.round(r.durationSeconds)} s.\n`,
  );
  console.log('| case | Tabula | baseline | ratio (Tabula ÷ baseline) | better |');
  console.log('|---|---:|---:|---:|---|');
  for (const c of r.cases)
    console.log(
      `| ${c.name} | ${fmt(c.value)} ${c.unit} | ${c.baseline === null ? '—' : `${fmt(c.baseline)} ${c.unit}`} | ${c.ratio === null ? '—' : c.ratio.toFixed(c.ratio < 0.1 ? 3 : 2)} | ${c.better} |`,
    );
  console.log('');
}
