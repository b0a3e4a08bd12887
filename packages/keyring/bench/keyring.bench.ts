/**
 * Encrypt + decrypt throughput of @gossip/keyring beside memberlist v0.2.2's own encryptPayload/decryptPayload
 * (tooling/keyring-check bench mode), in the same run on the same machine. Both sides: fresh random nonce per
 * message, one key, no AAD, best of several rounds. Writes bench-results/keyring.json at the repository root.
 *
 * Run: pnpm --filter @gossip/keyring bench   (env GOSSIP_BENCH_QUICK=1 for a short smoke run)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Keyring, decryptPacket, encryptPacket, type EncryptionVersion } from '../src/index.js';
import { KeyringCheck } from '../test/keyring-check.js';

const QUICK = process.env.GOSSIP_BENCH_QUICK === '1';
const SIZES = [100, 1400, 65_536];
const KEY_SIZES = [16, 32];
const VERSION: EncryptionVersion = 1;
const ROUNDS = QUICK ? 1 : 3;
const SEALED_RING = 64;

function iterationsFor(size: number): number {
  const base = size <= 100 ? 40_000 : size <= 1400 ? 20_000 : 1_500;
  return QUICK ? Math.ceil(base / 20) : base;
}

interface Timing {
  encryptNs: number;
  decryptNs: number;
}

function benchTs(keySize: number, size: number, iterations: number): Timing {
  const ring = new Keyring([randomBytes(keySize)]);
  const msg = randomBytes(size);
  const sealed: Uint8Array[] = new Array<Uint8Array>(SEALED_RING);
  let start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) sealed[i % SEALED_RING] = encryptPacket(ring, msg, { version: VERSION });
  const encrypt = Number(process.hrtime.bigint() - start);
  start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) {
    const plain = decryptPacket(ring, sealed[i % SEALED_RING] ?? sealed[0]!);
    if (plain.length !== size) throw new Error('round trip failed');
  }
  const decrypt = Number(process.hrtime.bigint() - start);
  return { encryptNs: encrypt / iterations, decryptNs: decrypt / iterations };
}

function best(a: Timing | undefined, b: Timing): Timing {
  if (!a) return b;
  return { encryptNs: Math.min(a.encryptNs, b.encryptNs), decryptNs: Math.min(a.decryptNs, b.decryptNs) };
}

function mbPerSecond(size: number, ns: number): number {
  return size / ns * 1e3; // bytes per ns → MB/s (1e6 bytes)
}

interface Row {
  keyBits: number;
  size: number;
  version: EncryptionVersion;
  iterations: number;
  ts: Timing;
  go: Timing;
  ratioEncrypt: number;
  ratioDecrypt: number;
  ratioRoundTrip: number;
}

const go = await KeyringCheck.start();
const rows: Row[] = [];
try {
  for (const keySize of KEY_SIZES) {
    for (const size of SIZES) {
      const iterations = iterationsFor(size);
      benchTs(keySize, size, Math.ceil(iterations / 10)); // warm-up (JIT, OpenSSL init)
      let ts: Timing | undefined;
      let goTiming: Timing | undefined;
      for (let round = 0; round < ROUNDS; round++) {
        ts = best(ts, benchTs(keySize, size, iterations));
        const res = await go.ok({ op: 'bench', keySize, size, vsn: VERSION, iterations });
        goTiming = best(goTiming, { encryptNs: res.encryptNs!, decryptNs: res.decryptNs! });
      }
      rows.push({
        keyBits: keySize * 8,
        size,
        version: VERSION,
        iterations,
        ts: ts!,
        go: goTiming!,
        ratioEncrypt: ts!.encryptNs / goTiming!.encryptNs,
        ratioDecrypt: ts!.decryptNs / goTiming!.decryptNs,
        ratioRoundTrip: (ts!.encryptNs + ts!.decryptNs) / (goTiming!.encryptNs + goTiming!.decryptNs),
      });
    }
  }
} finally {
  await go.stop();
}

const fmt = (n: number, digits = 0): string => n.toFixed(digits);
console.log(`@gossip/keyring vs memberlist v0.2.2 (Go) — encryption version ${VERSION}, best of ${ROUNDS}`);
console.log('ratio = TS time / Go time (lower is better; 1.00 = parity)\n');
console.log(
  '| key | payload | TS enc ns | Go enc ns | TS dec ns | Go dec ns | TS MB/s (enc+dec) | Go MB/s | enc ratio | dec ratio | round-trip ratio |',
);
console.log('|---|---|---|---|---|---|---|---|---|---|---|');
for (const r of rows) {
  const tsRt = r.ts.encryptNs + r.ts.decryptNs;
  const goRt = r.go.encryptNs + r.go.decryptNs;
  console.log(
    `| AES-${r.keyBits} | ${r.size} B | ${fmt(r.ts.encryptNs)} | ${fmt(r.go.encryptNs)} | ${fmt(r.ts.decryptNs)} | ` +
      `${fmt(r.go.decryptNs)} | ${fmt(mbPerSecond(r.size, tsRt), 1)} | ${fmt(mbPerSecond(r.size, goRt), 1)} | ` +
      `${fmt(r.ratioEncrypt, 2)} | ${fmt(r.ratioDecrypt, 2)} | ${fmt(r.ratioRoundTrip, 2)} |`,
  );
}

const outDir = fileURLToPath(new URL('../../../bench-results/', import.meta.url));
mkdirSync(outDir, { recursive: true });
const outFile = `${outDir}keyring.json`;
writeFileSync(
  outFile,
  `${JSON.stringify(
    {
      benchmark: '@gossip/keyring encrypt+decrypt vs memberlist v0.2.2',
      date: new Date().toISOString(),
      node: process.version,
      quick: QUICK,
      rounds: ROUNDS,
      rows,
    },
    null,
    2,
  )}\n`,
);
console.log(`\nwrote ${outFile}`);
