import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BrowserContext, chromium } from 'playwright-core';

/** Shared set-up of the browser tests: the built web app and a headless Debian Chromium. */

export const projectRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const webRoot = join(projectRoot, 'dist', 'web');
export const artifacts = join(projectRoot, 'test-artifacts');

/** Path of the Chromium to drive, or null (the tests then skip with a printed reason). */
export function findChromium(): string | null {
  for (const name of ['chromium', 'chromium-browser']) {
    try {
      const path = execFileSync('which', [name], { encoding: 'utf8' }).trim();
      if (path) return path;
    } catch {
      // not on PATH
    }
  }
  return existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : null;
}

/** Builds the web app into dist/web unless the build there is newer than its sources. */
export async function ensureWebBuild(): Promise<void> {
  const builder = new URL('../../scripts/build-web-if-stale.mjs', import.meta.url).href;
  const { buildWebIfStale } = (await import(builder)) as { buildWebIfStale: (o: { quiet: boolean }) => Promise<boolean> };
  await buildWebIfStale({ quiet: true });
}

// These flags matter on this machine: no sandbox (root in a container), no GPU, and none of the
// background network traffic a fresh profile would otherwise start.
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A fresh headless Chromium with its own temporary profile, sized like a 10-inch tablet. */
export async function launchBrowser(executablePath: string): Promise<{ context: BrowserContext; close: () => Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), 'unitrace-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    args: FLAGS,
    acceptDownloads: true,
    viewport: { width: 1280, height: 800 },
    locale: 'en-GB',
    timezoneId: 'UTC',
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
