// Builds the web app into dist/web when it is missing or older than its sources, so `npm start`
// on a fresh clone serves the app without a separate build step, and later starts stay quick.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const output = join(root, 'dist/web/index.html');

function newest(dir) {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.endsWith('.test.ts') || entry.name.endsWith('.test.tsx')) continue;
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

export async function buildWebIfStale({ quiet = false } = {}) {
  if (!existsSync(join(root, 'web/index.html'))) return false;
  const sources = Math.max(newest(join(root, 'web')), newest(join(root, 'src/core')), statSync(join(root, 'vite.config.ts')).mtimeMs);
  if (existsSync(output) && statSync(output).mtimeMs >= sources) return false;
  if (!quiet) process.stderr.write('building the web app (dist/web) ...\n');
  const { build } = await import('vite');
  // Under vitest NODE_ENV is 'test', which would give React's development build: build as production.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ configFile: join(root, 'vite.config.ts'), mode: 'production', logLevel: quiet ? 'silent' : 'warn' });
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  }
  return true;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await buildWebIfStale();
}
