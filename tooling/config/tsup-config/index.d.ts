import type { Options } from 'tsup';

/**
 * The tsup options every published gossip library shares: `src/index.ts` built to ESM and CJS with `.d.ts`
 * declarations and source maps, for Node 20. Spread it to change the entries: `{ ...library, entry: [...] }`.
 */
export declare const library: Readonly<Options>;
