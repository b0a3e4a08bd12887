import { library } from '@gossip/tsup-config';
import { defineConfig } from 'tsup';

export default defineConfig(library);
