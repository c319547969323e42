/**
 * Compares two V8 heap snapshots (say the soak's after warm-up and at the end, from
 * `npm run soak -- --snapshots DIR`): live objects and bytes per constructor in each, and what grew
 * most between them. A leak shows as a constructor whose count keeps rising with the traffic.
 *
 *   node bin/run-ts.js bench/heap-diff.ts BEFORE.heapsnapshot AFTER.heapsnapshot [--top 25]
 */
import { readFileSync } from 'node:fs';

type Totals = Map<string, { count: number; bytes: number }>;

function totals(file: string): { byName: Totals; nodes: number; bytes: number } {
  const snapshot = JSON.parse(readFileSync(file, 'utf8')) as {
    snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
    nodes: number[];
    strings: string[];
  };
  const fields = snapshot.snapshot.meta.node_fields;
  const types = snapshot.snapshot.meta.node_types[0];
  const width = fields.length;
  const typeAt = fields.indexOf('type');
  const nameAt = fields.indexOf('name');
  const sizeAt = fields.indexOf('self_size');
  const byName: Totals = new Map();
  let bytes = 0;
  for (let i = 0; i < snapshot.nodes.length; i += width) {
    const type = types[snapshot.nodes[i + typeAt]];
    const size = snapshot.nodes[i + sizeAt];
    // Objects by constructor; strings, code, arrays and the rest by their kind.
    const name = type === 'object' || type === 'closure' ? `${type === 'closure' ? 'closure ' : ''}${snapshot.strings[snapshot.nodes[i + nameAt]]}` : `(${type})`;
    const entry = byName.get(name) ?? { count: 0, bytes: 0 };
    entry.count += 1;
    entry.bytes += size;
    byName.set(name, entry);
    bytes += size;
  }
  return { byName, nodes: snapshot.nodes.length / width, bytes };
}

const [beforeFile, afterFile] = process.argv.slice(2).filter((a) => !a.startsWith('--') && !/^\d+$/.test(a));
if (!beforeFile || !afterFile) {
  console.error('usage: node bin/run-ts.js bench/heap-diff.ts BEFORE.heapsnapshot AFTER.heapsnapshot [--top N]');
  process.exit(2);
}
const topAt = process.argv.indexOf('--top');
const top = topAt > 0 ? Number(process.argv[topAt + 1]) : 25;
const before = totals(beforeFile);
const after = totals(afterFile);
const MiB = 1024 * 1024;
console.log(`before: ${before.nodes} objects, ${(before.bytes / MiB).toFixed(1)} MiB   (${beforeFile})`);
console.log(`after:  ${after.nodes} objects, ${(after.bytes / MiB).toFixed(1)} MiB   (${afterFile})`);
const rows = [...new Set([...before.byName.keys(), ...after.byName.keys()])].map((name) => {
  const b = before.byName.get(name) ?? { count: 0, bytes: 0 };
  const a = after.byName.get(name) ?? { count: 0, bytes: 0 };
  return { name, count: a.count, dCount: a.count - b.count, bytes: a.bytes, dBytes: a.bytes - b.bytes };
});
rows.sort((x, y) => y.dBytes - x.dBytes);
console.log(`\nlargest growth (of ${rows.length} kinds):`);
console.log('  Δ bytes       Δ count     count after   bytes after   constructor / kind');
for (const r of rows.slice(0, top)) {
  console.log(
    `  ${`${r.dBytes >= 0 ? '+' : ''}${(r.dBytes / 1024).toFixed(0)} KiB`.padStart(11)} ${`${r.dCount >= 0 ? '+' : ''}${r.dCount}`.padStart(11)} ${String(r.count).padStart(15)} ${`${(r.bytes / 1024).toFixed(0)} KiB`.padStart(13)}   ${r.name.slice(0, 80)}`,
  );
}
