/**
 * The README's quickstart is a contract: its first js/ts block must run exactly as written against the built
 * package, on loopback, and end by itself.
 */
import { execFile } from 'node:child_process';
import { access, mkdtemp, mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The first fenced ```js or ```ts block of `markdown`. */
export function firstCodeBlock(markdown: string): string {
  const match = /^```(?:js|ts|javascript|typescript)\n([\s\S]*?)^```/m.exec(markdown);
  if (match === null) throw new Error('README has no js/ts code block');
  return match[1]!;
}

describe('README quickstart', () => {
  it('given the built package, when the first js/ts block of the README runs as a module, then it ends by itself and reports the message', async () => {
    await access(join(packageDir, 'dist', 'index.js')).catch(() => {
      throw new Error('dist/ is missing: build the package first (turbo does: pnpm turbo run test --filter=gossip)');
    });
    const code = firstCodeBlock(await readFile(join(packageDir, 'README.md'), 'utf8'));
    expect(code).toContain("from 'gossip'");
    const dir = await mkdtemp(join(tmpdir(), 'gossip-readme-'));
    try {
      // A scratch project where `gossip` resolves to this package (its dist/), as after `npm install gossip`.
      await mkdir(join(dir, 'node_modules'));
      await symlink(packageDir, join(dir, 'node_modules', 'gossip'), 'dir');
      const file = join(dir, 'quickstart.mjs');
      await writeFile(file, code);

      const { stdout } = await new Promise<{ stdout: string; stderr: string }>((done, fail) => {
        execFile(process.execPath, [file], { cwd: dir, timeout: 20_000 }, (error, stdout, stderr) => {
          if (error) fail(new Error(`quickstart failed: ${error.message}\n${stdout}\n${stderr}`));
          else done({ stdout, stderr });
        });
      });

      expect(stdout).toContain('bob sees: alice=alive, bob=alive');
      expect(stdout).toContain('alice got: hello from bob');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
