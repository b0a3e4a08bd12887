/** The workspace's published packages, read from disk: what the release checks walk over. */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url));

/** The parts of a package.json the release checks read. */
export interface PackageJson {
  readonly name: string;
  readonly private?: boolean;
  readonly description?: string;
  readonly license?: string;
  readonly keywords?: readonly string[];
  readonly homepage?: string;
  readonly bugs?: { readonly url?: string };
  readonly repository?: { readonly type?: string; readonly url?: string; readonly directory?: string };
  readonly files?: readonly string[];
  readonly publishConfig?: { readonly access?: string };
  readonly exports?: unknown;
}

/** One workspace package: its directory relative to the root, and its manifest. */
export interface WorkspacePackage {
  readonly dir: string;
  readonly manifest: PackageJson;
}

/** Reads a package.json. */
export function readManifest(dir: string): PackageJson {
  return JSON.parse(readFileSync(join(REPO_ROOT, dir, 'package.json'), 'utf8')) as PackageJson;
}

/** Every package under packages/ and apps/ that is not private: what `pnpm -r publish` publishes. */
export function publishedPackages(): WorkspacePackage[] {
  return ['packages', 'apps'].flatMap((parent) =>
    readdirSync(join(REPO_ROOT, parent))
      .map((name) => `${parent}/${name}`)
      .filter((dir) => existsSync(join(REPO_ROOT, dir, 'package.json')))
      .map((dir) => ({ dir, manifest: readManifest(dir) }))
      .filter((p) => p.manifest.private !== true),
  );
}

/** Whether the package offers a CommonJS entry (a `require` condition anywhere in its exports). */
export function hasCommonJsEntry(manifest: PackageJson): boolean {
  return JSON.stringify(manifest.exports ?? {}).includes('"require"');
}
