import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { goAvailability } from '@gossip/gotools';
import { afterAll, describe, expect, it } from 'vitest';
import { decideGoGate, goSkipLine } from './go-gate.js';

// A machine of our own making: a PATH directory that may hold a `go` executable, and a GOPATH tree that may hold
// memberlist's sources. Nothing here runs Go; the real machine's Go is neither used nor hidden.
const root = mkdtempSync(join(tmpdir(), 'go-gate-'));
const withGo = join(root, 'bin-with-go');
const withoutGo = join(root, 'bin-without-go');
const gocode = join(root, 'gocode');
const emptyGocode = join(root, 'empty-gocode');
mkdirSync(withGo);
mkdirSync(withoutGo);
mkdirSync(emptyGocode);
writeFileSync(join(withGo, 'go'), '#!/bin/sh\n');
chmodSync(join(withGo, 'go'), 0o755);
mkdirSync(join(gocode, 'src/github.com/hashicorp/memberlist'), { recursive: true });
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('goAvailability', () => {
  it('given go on PATH and memberlist in GOSSIP_GOCODE, then Go is available', () => {
    const go = goAvailability({ PATH: withGo, GOSSIP_GOCODE: gocode });
    expect(go).toEqual({ available: true, reason: undefined, gocode });
  });

  it('given a PATH without go, then Go is unavailable because the command is missing', () => {
    const go = goAvailability({ PATH: withoutGo, GOSSIP_GOCODE: gocode });
    expect(go.available).toBe(false);
    expect(go.reason).toBe('the go command is not on PATH');
  });

  it('given go but no memberlist sources, then Go is unavailable and the reason names the directory looked at', () => {
    const go = goAvailability({ PATH: withGo, GOSSIP_GOCODE: emptyGocode });
    expect(go.available).toBe(false);
    expect(go.reason).toBe(`memberlist sources are missing from ${join(emptyGocode, 'src/github.com/hashicorp/memberlist')}`);
  });
});

describe('decideGoGate', () => {
  const present = goAvailability({ PATH: withGo, GOSSIP_GOCODE: gocode });
  const missing = goAvailability({ PATH: withoutGo, GOSSIP_GOCODE: gocode });

  it('given Go, then the Go suites run', () => {
    expect(decideGoGate({}, present)).toEqual({ mode: 'run' });
  });

  it('given no Go, then the Go suites are skipped with the reason', () => {
    expect(decideGoGate({}, missing)).toEqual({ mode: 'skip', reason: 'the go command is not on PATH' });
  });

  it('given no Go and GOSSIP_REQUIRE_GO=1 (CI), then the run fails with the reason and how to install Go', () => {
    const gate = decideGoGate({ GOSSIP_REQUIRE_GO: '1' }, missing);
    expect(gate.mode).toBe('fail');
    expect(gate.mode === 'fail' && gate.message).toMatch(
      /^GOSSIP_REQUIRE_GO=1 but the go command is not on PATH\. Debian\/Ubuntu: apt-get install golang-go golang-github-hashicorp-memberlist-dev; elsewhere: /,
    );
  });

  it('given GOSSIP_GO=off (pnpm test:unit), then the Go suites are left out whether Go is here or not', () => {
    expect(decideGoGate({ GOSSIP_GO: 'off' }, present)).toEqual({ mode: 'exclude' });
    expect(decideGoGate({ GOSSIP_GO: 'off', GOSSIP_REQUIRE_GO: '1' }, missing)).toEqual({ mode: 'exclude' });
  });
});

describe('goSkipLine', () => {
  it('given skipped tests, then one line says how many, where, why, how to install Go and how to make it fail', () => {
    const line = goSkipLine({ tests: 187, files: 16, packages: ['@gossip/wire', '@gossip/interop'] }, 'the go command is not on PATH');
    expect(line).not.toContain('\n');
    expect(line).toMatch(/^SKIPPED 187 Go-dependent tests in 16 files \(@gossip\/interop, @gossip\/wire; /);
    expect(line).toContain(': the go command is not on PATH. To run them — Debian/Ubuntu: apt-get install golang-go');
    expect(line).toContain('https://go.dev/dl');
    expect(line).toMatch(/GOSSIP_REQUIRE_GO=1 turns this skip into a failure\.$/);
  });
});
