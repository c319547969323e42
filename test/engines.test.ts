import { readFileSync } from 'node:fs';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

const root = new URL('..', import.meta.url);
const manifest = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { engines: { node: string } };
const lock = JSON.parse(readFileSync(new URL('package-lock.json', root), 'utf8')) as {
  packages: Record<string, { version?: string; engines?: { node?: string } | string[] }>;
};

describe('the Node versions we promise', () => {
  it('installs without EBADENGINE on the oldest Node the README and engines promise', () => {
    const oldest = semver.minVersion(manifest.engines.node);
    expect(oldest?.major).toBe(20);
    const refusing = Object.entries(lock.packages)
      .filter(([path]) => path !== '')
      .flatMap(([path, pkg]) => {
        const range = !Array.isArray(pkg.engines) ? pkg.engines?.node : undefined;
        return range && !semver.satisfies('20.19.0', range) ? [`${path}@${pkg.version}: node ${range}`] : [];
      });
    expect(refusing).toEqual([]);
  });
});
