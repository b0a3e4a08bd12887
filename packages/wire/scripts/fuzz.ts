/**
 * `pnpm fuzz`: feeds FUZZ_RUNS (default 1,000,000) random, mutated and valid inputs to every decoder and fails
 * on the first one that throws anything but a WireError. FUZZ_SEED makes a run reproducible.
 */
import fc from 'fast-check';
import { checkAllDecoders, fuzzInput } from '../test/support/fuzz-targets.js';

const runs = Number(process.env.FUZZ_RUNS ?? 1_000_000);
const seed = process.env.FUZZ_SEED === undefined ? Date.now() : Number(process.env.FUZZ_SEED);
const start = performance.now();
console.log(`fuzzing @gossip/wire decoders: ${runs} inputs, seed ${seed}`);
fc.assert(fc.property(fuzzInput, (input) => checkAllDecoders(input)), { numRuns: runs, seed, endOnFailure: true });
console.log(`ok: ${runs} inputs, no exception other than WireError (${((performance.now() - start) / 1000).toFixed(1)} s)`);
