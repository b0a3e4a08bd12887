import { gossipConfig } from '@gossip/eslint-config';

export default gossipConfig({ tsconfigRootDir: import.meta.dirname });
