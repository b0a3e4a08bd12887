import { describe, expect, it } from 'vitest';
import * as core from '@gossip/core';
import * as keyring from '@gossip/keyring';
import * as transport from '@gossip/transport';
import * as wire from '@gossip/wire';
import * as gossip from './index.js';

/** Runtime exports of a layer that the umbrella deliberately leaves out or renames. */
const RESOLVED_ELSEWHERE: Record<string, readonly string[]> = {
  core: [],
  transport: [],
  wire: ['splitHostPort'], // transport's is re-exported
  keyring: [],
};

describe('the gossip umbrella exports', () => {
  it.each([
    ['core', core],
    ['transport', transport],
    ['keyring', keyring],
    ['wire', wire],
  ] as const)('given @gossip/%s, then every runtime export is re-exported under its own name or resolved deliberately', (layer, module) => {
    const skipped = RESOLVED_ELSEWHERE[layer]!;
    const exported = gossip as Record<string, unknown>;
    const missing = Object.keys(module).filter((name) => !skipped.includes(name) && !(name in exported));
    expect(missing).toEqual([]);
    for (const name of Object.keys(module)) {
      if (!skipped.includes(name)) expect(exported[name], name).toBe((module as Record<string, unknown>)[name]);
    }
  });

  it('given helpers shared by several layers, then each layer re-exports wire\'s one definition', () => {
    for (const layer of [core, keyring, gossip] as Record<string, unknown>[]) {
      expect(layer['encryptOverhead']).toBe(wire.encryptOverhead);
      expect(layer['encryptedLength']).toBe(wire.encryptedLength);
    }
    expect(keyring.MAX_LABEL_LENGTH).toBe(wire.MAX_LABEL_LENGTH);
    expect(transport.joinHostPort).toBe(wire.joinHostPort);
    expect(gossip.joinHostPort).toBe(wire.joinHostPort);
  });

  it('given names that differ between layers, then the umbrella picks one owner for each', () => {
    // One logger interface for every layer: core's logger helpers are the transport's.
    expect(gossip.silentLogger).toBe(transport.silentLogger);
    expect(core.silentLogger).toBe(transport.silentLogger);
    expect(core.prefixLogger).toBe(transport.prefixLogger);
    expect(gossip.splitHostPort).toBe(transport.splitHostPort);
    // The transport's splitHostPort is wire's parser with the transport's error and a required host.
    expect(() => gossip.splitHostPort(':7946')).toThrow(expect.objectContaining({ code: 'ERR_BAD_ADDRESS' }) as Error);
    expect(wire.splitHostPort(':7946')).toEqual({ host: '', port: 7946 });
  });

  it('given the presets, then they are memberlist\'s LAN, WAN and Local timings', () => {
    expect(gossip.PRESETS.lan()).toEqual(core.lanConfig());
    expect(gossip.PRESETS.wan().probeIntervalMs).toBe(5000);
    expect(gossip.PRESETS.local().probeTimeoutMs).toBe(200);
  });
});

/** Names in the last `export { ... };` statement of a bundled declaration file (`type X` and `X as Y` handled). */
function declaredExports(dts: string): string[] {
  const statements = [...dts.matchAll(/^export \{([^}]*)\};?\s*$/gm)];
  const last = statements.at(-1);
  if (last === undefined) throw new Error('no export statement');
  return last[1]!
    .split(',')
    .map((part) => part.trim().replace(/^type\s+/, ''))
    .filter((part) => part.length > 0)
    .map((part) => part.split(/\s+as\s+/).at(-1)!);
}

/** Names exported by this package's src/index.ts, values and types (`X as Y` counts as Y). */
function umbrellaExports(source: string): Set<string> {
  const names = new Set<string>();
  for (const block of source.matchAll(/export (?:type )?\{([^}]*)\}/g)) {
    for (const part of block[1]!.split(',')) {
      const name = part.trim().replace(/^type\s+/, '').split(/\s+as\s+/).at(-1)!;
      if (name.length > 0) names.add(name);
    }
  }
  return names;
}

describe('the gossip umbrella type exports', () => {
  it.each(['core', 'transport', 'keyring', 'wire'])(
    'given the declarations of @gossip/%s, then every exported type and value is re-exported or resolved deliberately',
    async (layer) => {
      const { readFile } = await import('node:fs/promises');
      const { createRequire } = await import('node:module');
      const entry = createRequire(import.meta.url).resolve(`@gossip/${layer}`);
      const dts = await readFile(entry.replace(/index\.c?js$/, 'index.d.ts'), 'utf8');
      const own = umbrellaExports(await readFile(new URL('./index.ts', import.meta.url), 'utf8'));
      const skipped = RESOLVED_ELSEWHERE[layer]!;
      expect(declaredExports(dts).length).toBeGreaterThan(10);
      const missing = declaredExports(dts).filter((name) => !skipped.includes(name) && !own.has(name));
      expect(missing).toEqual([]);
    },
  );
});
