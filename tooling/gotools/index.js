// Builds the Go reference programs in GOPATH mode against Debian's golang-github-hashicorp-memberlist-dev (or the
// GOPATH tree named by GOSSIP_GOCODE), and tells test runners whether that is possible at all.
import { execFile } from 'node:child_process';
import { accessSync, constants, copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { basename, delimiter, join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const DEBIAN_GOCODE = '/usr/share/gocode';

/** Name of the optional file listing Go files a program shares with another program's directory. */
export const SHARED_SOURCES_FILE = 'shared-sources.json';

const MEMBERLIST_SRC = 'src/github.com/hashicorp/memberlist';

/** One line telling a newcomer how to get what is missing, on Debian/Ubuntu and elsewhere. */
export const GO_INSTALL_HINT =
  'Debian/Ubuntu: apt-get install golang-go golang-github-hashicorp-memberlist-dev; ' +
  'elsewhere: install Go (https://go.dev/dl) and memberlist v0.2.2 with its dependencies in a GOPATH tree ' +
  '(see CONTRIBUTING.md, "Go on other systems") and set GOSSIP_GOCODE to it';

export function goSkipLine({ tests, files, packages = [] }, reason) {
  const where = packages.length > 0 ? `${[...packages].sort().join(', ')}; ` : '';
  return (
    `SKIPPED ${tests} Go-dependent test${tests === 1 ? '' : 's'} in ${files} file${files === 1 ? '' : 's'} ` +
    `(${where}Go cross-checks and live interop with memberlist v0.2.2): ${reason}. ` +
    `To run them — ${GO_INSTALL_HINT}. GOSSIP_REQUIRE_GO=1 turns this skip into a failure.`
  );
}

export function goCodeDir(env = process.env) {
  return env.GOSSIP_GOCODE || DEBIAN_GOCODE;
}

export function goAvailability(env = process.env) {
  const gocode = goCodeDir(env);
  const onPath = (env.PATH ?? '').split(delimiter).some((dir) => {
    if (!dir) return false;
    try {
      accessSync(join(dir, process.platform === 'win32' ? 'go.exe' : 'go'), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
  if (!onPath) return { available: false, reason: 'the go command is not on PATH', gocode };
  if (!existsSync(join(gocode, MEMBERLIST_SRC))) {
    return { available: false, reason: `memberlist sources are missing from ${join(gocode, MEMBERLIST_SRC)}`, gocode };
  }
  return { available: true, reason: undefined, gocode };
}

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
  const gocode = goCodeDir();
  if (!existsSync(join(gocode, MEMBERLIST_SRC))) {
    throw new GoUnavailableError(`memberlist sources are missing from ${join(gocode, MEMBERLIST_SRC)}: ${GO_INSTALL_HINT}`);
  }
  const binDir = join(sourceDir, 'bin');
  const out = join(binDir, name);
  const own = readdirSync(sourceDir).filter((f) => f.endsWith('.go')).map((f) => join(sourceDir, f));
  const sources = [...own, ...sharedSources(sourceDir)];
  const newest = Math.max(...sources.map((f) => statSync(f).mtimeMs), statSync(sourceDir).mtimeMs);
  if (existsSync(out) && statSync(out).mtimeMs >= newest) return out;
  mkdirSync(binDir, { recursive: true });
  const gopath = join(sourceDir, '.gopath');
  mkdirSync(gopath, { recursive: true });
  // go build wants one directory: a program with shared files is built from a staged copy of both (git-ignored).
  let buildDir = sourceDir;
  if (sources.length > own.length) {
    buildDir = join(sourceDir, '.build');
    rmSync(buildDir, { recursive: true, force: true });
    mkdirSync(buildDir, { recursive: true });
    for (const file of sources) copyFileSync(file, join(buildDir, basename(file)));
  }
  try {
    await run('go', ['build', '-o', out, ...sources.map((f) => basename(f))], {
      cwd: buildDir,
      env: { ...process.env, GOPATH: `${gopath}${delimiter}${gocode}`, GO111MODULE: 'off', GOFLAGS: '' },
      maxBuffer: 16 * 1024 * 1024,
    });
  } catch (err) {
    if (err && err.code === 'ENOENT') {
      throw new GoUnavailableError(`the go command is missing: ${GO_INSTALL_HINT}`);
    }
    throw new Error(`go build in ${sourceDir} failed:\n${err.stderr ?? err.message}`, { cause: err });
  }
  return out;
}

/**
 * The Go files listed in `<sourceDir>/shared-sources.json` (paths relative to `sourceDir`): one copy of a file
 * serves two programs (the benchmark harness builds with the interop peer's transport wrapper, for example).
 */
function sharedSources(sourceDir) {
  const manifest = join(sourceDir, SHARED_SOURCES_FILE);
  if (!existsSync(manifest)) return [];
  const listed = JSON.parse(readFileSync(manifest, 'utf8'));
  if (!Array.isArray(listed) || !listed.every((f) => typeof f === 'string' && f.endsWith('.go'))) {
    throw new Error(`${manifest} must be a JSON array of .go paths`);
  }
  const files = listed.map((f) => resolve(sourceDir, f));
  const names = new Set(readdirSync(sourceDir).filter((f) => f.endsWith('.go')));
  for (const file of files) {
    if (!existsSync(file)) throw new Error(`${manifest}: ${file} does not exist`);
    if (names.has(basename(file))) throw new Error(`${manifest}: ${basename(file)} is also a file of ${sourceDir}`);
    names.add(basename(file));
  }
  return files;
}
