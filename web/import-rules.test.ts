import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The web app talks to the server over HTTP only: of src/ it may import the pure helpers of
// src/core, and nothing else (ARCHITECTURE.md, "Imports go downwards only").

const webDir = dirname(fileURLToPath(import.meta.url));
const root = resolve(webDir, '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourceFiles(path);
    return /\.(ts|tsx)$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(IMPORT)].map((m) => m[1] ?? m[2]);
}

// src/core modules that touch Node (Buffer) would break in the browser.
const NODE_ONLY_CORE = ['src/core/cursor.ts'];

describe('web/ imports', () => {
  const files = sourceFiles(join(webDir, 'src'));

  it('finds the app sources', () => {
    expect(files.length).toBeGreaterThan(10);
  });

  it('reaches into src/ only for browser-safe modules of src/core', () => {
    const wrong: string[] = [];
    for (const file of files) {
      for (const spec of importsOf(file)) {
        if (!spec.startsWith('.')) continue;
        const target = relative(root, resolve(dirname(file), spec));
        if (target.startsWith('web/')) continue;
        if (!target.startsWith('src/core/') || NODE_ONLY_CORE.includes(target)) {
          wrong.push(`${relative(root, file)} imports ${spec}`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it('uses only react and react-dom from npm', () => {
    const packages = new Set<string>();
    for (const file of files) for (const spec of importsOf(file)) if (!spec.startsWith('.')) packages.add(spec);
    expect([...packages].filter((p) => !/^react(-dom)?(\/|$)/.test(p))).toEqual([]);
  });
});
