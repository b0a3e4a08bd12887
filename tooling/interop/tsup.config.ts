import { library } from '@gossip/tsup-config';
import { defineConfig } from 'tsup';

// The driver finds the Go sources relative to its own file, in the CJS build too.
export default defineConfig({ ...library, shims: true });
