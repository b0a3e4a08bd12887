/**
 * The dashboard's static files (plain HTML, CSS and JS in the package's `dashboard/` folder: no build step, no
 * CDN, so it loads without a network). Found relative to this module both when running from `src/` (tests) and
 * from the bundled `dist/cli.js`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A served file. */
export interface Asset {
  readonly type: string;
  readonly body: string;
}

const FILES: Readonly<Record<string, { file: string; type: string }>> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/index.html': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/dashboard.css': { file: 'dashboard.css', type: 'text/css; charset=utf-8' },
  '/dashboard.js': { file: 'dashboard.js', type: 'text/javascript; charset=utf-8' },
  '/favicon.svg': { file: 'favicon.svg', type: 'image/svg+xml' },
};

function findDashboardDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    const candidate = join(dir, 'dashboard');
    if (existsSync(join(candidate, 'index.html'))) return candidate;
    dir = dirname(dir);
  }
  throw new Error('dashboard files not found next to the gossip command');
}

let cache: Map<string, Asset> | undefined;

/** The asset served at `path`, or undefined. Files are read once. */
export function dashboardAsset(path: string): Asset | undefined {
  if (cache === undefined) {
    const dir = findDashboardDir();
    cache = new Map();
    for (const [route, { file, type }] of Object.entries(FILES)) {
      cache.set(route, { type, body: readFileSync(join(dir, file), 'utf8') });
    }
  }
  return cache.get(path);
}
