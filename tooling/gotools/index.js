// Builds the Go reference programs in GOPATH mode against Debian's golang-github-hashicorp-memberlist-dev.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const DEBIAN_GOCODE = '/usr/share/gocode';

export class GoUnavailableError extends Error {
  constructor(message) {
    super(message);
    this.name = 'GoUnavailableError';
    this.code = 'ERR_GO_UNAVAILABLE';
  }
}

const building = new Map();

export function buildGoProgram(sourceDir, name) {
  const key = `${sourceDir}\0${name}`;
  let pending = building.get(key);
  if (!pending) {
    pending = build(sourceDir, name);
    building.set(key, pending);
  }
  return pending;
}

async function build(sourceDir, name) {
  if (!existsSync(join(DEBIAN_GOCODE, 'src/github.com/hashicorp/memberlist'))) {
    throw new GoUnavailableError(
      'Debian memberlist sources are missing: apt-get install golang-go golang-github-hashicorp-memberlist-dev',
    );
  }
  const binDir = join(sourceDir, 'bin');
  const out = join(binDir, name);
  const sources = readdirSync(sourceDir).filter((f) => f.endsWith('.go'));
  const newest = Math.max(...sources.map((f) => statSync(join(sourceDir, f)).mtimeMs));
  if (existsSync(out) && statSync(out).mtimeMs >= newest) return out;
  mkdirSync(binDir, { recursive: true });
  const gopath = join(sourceDir, '.gopath');
  mkdirSync(gopath, { recursive: true });
  try {
    await run('go', ['build', '-o', out, ...sources], {
      cwd: sourceDir,
      env: { ...process.env, GOPATH: `${gopath}:${DEBIAN_GOCODE}`, GO111MODULE: 'off', GOFLAGS: '' },
      maxBuffer: 16 * 1024 * 1024,
    });
  } catch (err) {
    if (err && err.code === 'ENOENT') {
      throw new GoUnavailableError('the go command is missing: apt-get install golang-go');
    }
    throw new Error(`go build in ${sourceDir} failed:\n${err.stderr ?? err.message}`, { cause: err });
  }
  return out;
}
