import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, publishedPackages, readManifest } from './packages.js';

const root = readManifest('.');
const licence = readFileSync(join(REPO_ROOT, 'LICENSE'), 'utf8');
const packages = publishedPackages();

describe('the repository', () => {
  it('given the root LICENSE, then it is the full Mozilla Public License 2.0 text, exhibits included', () => {
    expect(licence.trimStart()).toMatch(/^Mozilla Public License Version 2\.0\n=+\n/);
    expect(licence).toContain('10.4. Distributing Source Code Form that is Incompatible With Secondary');
    expect(licence).toContain('Exhibit B - "Incompatible With Secondary Licenses" Notice');
    expect(licence.length).toBeGreaterThan(16_000);
  });

  it('given the root manifest, then it names the repository, its homepage and where to report bugs', () => {
    expect(root.repository?.url).toMatch(/^git\+https:\/\/github\.com\/[\w.-]+\/[\w.-]+\.git$/);
    expect(root.homepage).toBeTruthy();
    expect(root.bugs?.url).toBeTruthy();
  });

  it('given the workspace, then there are published packages to check', () => {
    expect(packages.map((p) => p.manifest.name)).toContain('gossip');
  });
});

describe.each(packages.map((p) => ({ ...p, name: p.manifest.name })))('published package $name ($dir)', ({ dir, manifest }) => {
  it('given its files, then it ships the root LICENSE unchanged', () => {
    const own = join(REPO_ROOT, dir, 'LICENSE');
    expect(existsSync(own), `${dir}/LICENSE`).toBe(true);
    expect(readFileSync(own, 'utf8')).toBe(licence);
    expect(manifest.files).toContain('LICENSE');
    expect(manifest.license).toBe('MPL-2.0');
  });

  it('given its manifest, then repository (with its directory), homepage, bugs, keywords and description are set', () => {
    expect(manifest.repository).toEqual({ type: 'git', url: root.repository?.url, directory: dir });
    expect(manifest.homepage).toMatch(new RegExp(`^${root.homepage?.replace(/#readme$/, '').replace(/[.]/g, '\\.')}`));
    expect(manifest.bugs).toEqual(root.bugs);
    expect(manifest.keywords?.length).toBeGreaterThanOrEqual(3);
    expect(manifest.description).toBeTruthy();
    expect(manifest.publishConfig?.access).toBe('public');
  });
});
