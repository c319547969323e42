import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

// Imports go downwards only (ARCHITECTURE.md): core <- storage <- services <- http, cli; web talks
// HTTP and may use pure core helpers.
const root = new URL('..', import.meta.url).pathname;
const allowed: Record<string, string[]> = {
  core: ['core'],
  storage: ['core', 'storage'],
  services: ['core', 'storage', 'services'],
  http: ['core', 'services', 'http'],
  cli: ['core', 'services', 'http', 'cli'],
};

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : /\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) ? [join(dir, e.name)] : [],
  );
}

function importsOf(file: string): string[] {
  return [...readFileSync(file, 'utf8').matchAll(/^\s*(?:import|export)([^'"]*)from\s+['"]([^'"]+)['"]/gm)]
    // http and cli pass the database handle through to services: a type-only import of its type
    // is allowed, nothing else from storage.
    .filter((m) => !(/^\s*type\b/.test(m[1]) && m[2].endsWith('storage/database.ts')))
    .map((m) => m[2]);
}

describe('layering', () => {
  for (const layer of Object.keys(allowed)) {
    it(`keeps src/${layer} importing only from ${allowed[layer].join(', ')}`, () => {
      const bad: string[] = [];
      for (const file of files(join(root, 'src', layer))) {
        for (const spec of importsOf(file)) {
          if (!spec.startsWith('.')) {
            if (layer === 'core' && /^(pg|kysely|fastify|react|node:fs|node:net|node:http)/.test(spec)) bad.push(`${relative(root, file)} -> ${spec}`);
            continue;
          }
          const target = relative(join(root, 'src'), join(file, '..', spec)).split('/')[0];
          // The CLI opens the database itself (runtime.ts): it may reach storage for that only.
          const ok = allowed[layer].includes(target) || (layer === 'cli' && target === 'storage' && file.endsWith('runtime.ts'));
          if (!ok) bad.push(`${relative(root, file)} -> ${spec}`);
        }
      }
      expect(bad).toEqual([]);
    });
  }

  it('keeps the web app away from server code other than pure core helpers', () => {
    const bad: string[] = [];
    let dir: string;
    try {
      dir = join(root, 'web');
      readdirSync(dir);
    } catch {
      return;
    }
    for (const file of files(dir)) {
      for (const spec of importsOf(file)) {
        if (spec.startsWith('.') && /\/src\/(storage|services|http|cli)\//.test(join(file, '..', spec))) bad.push(`${relative(root, file)} -> ${spec}`);
      }
    }
    expect(bad).toEqual([]);
  });
});
