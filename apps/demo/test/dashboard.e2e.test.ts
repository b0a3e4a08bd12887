/**
 * End-to-end: a 3-node demo cluster driven through its dashboard in headless Chromium (Debian's /usr/bin/chromium;
 * CI installs it). Fails, never skips, when Chromium is missing. Leaves a screenshot in <repo>/test-artifacts/.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Browser, type Page, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliLogger } from '@gossip/agent';
import { DEMO_RETRANSMIT_MULT } from '../src/commands/demo.js';
import { DemoCluster } from '../src/demo/cluster.js';
import { watchActions } from '../src/demo/tour.js';

const CHROMIUM = process.env.GOSSIP_CHROMIUM ?? '/usr/bin/chromium';
const ARTIFACTS = fileURLToPath(new URL('../../../test-artifacts/', import.meta.url));

describe('dashboard in headless Chromium on a 3-node demo', () => {
  let cluster: DemoCluster;
  let browser: Browser;
  let page: Page;
  let base: string;
  const stop = new AbortController();

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium`);
    cluster = new DemoCluster({
      size: 3,
      host: '127.0.0.1',
      httpBasePort: 0,
      preset: 'local',
      tunables: { retransmitMult: DEMO_RETRANSMIT_MULT },
      logger: createCliLogger('silent'),
    });
    await cluster.start();
    // As `gossip demo` does: kills and revives from the dashboard are narrated, with timings, in the timeline.
    watchActions(cluster, (line) => cluster.narrate(line.trim()), stop.signal);
    await cluster.joinAll();
    base = `http://${cluster.agent('node-1')!.http!.address}`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
      timeout: 30_000,
    });
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    page.setDefaultTimeout(15_000);
  }, 60_000);

  afterAll(async () => {
    stop.abort();
    await browser?.close();
    await cluster?.stop();
  }, 30_000);

  it('given the dashboard of node-1, then it shows 3 alive members and a live event stream', async () => {
    await page.goto(`${base}/`);
    await page.waitForSelector('#members-table tbody tr[data-state="alive"]:nth-child(3)');
    expect(await page.locator('#members-table tbody tr[data-state="alive"]').count()).toBe(3);
    await page.waitForSelector('#conn.live');
    expect(await page.textContent('#self-name')).toBe('node-1');
    expect(await page.textContent('#count-alive')).toBe('3');
    await page.waitForSelector('#timeline li.join');
  });

  it('given a key set through the form, then every node serves it from its own API', async () => {
    await page.fill('#kv-key', 'from-browser');
    await page.fill('#kv-value', 'set in Chromium');
    await page.click('#kv-set');
    await page.waitForSelector('#kv-table tr[data-key="from-browser"]');
    const nodes = cluster.status();
    for (const node of nodes) {
      await expect
        .poll(async () => (await fetch(`http://${node.http}/v1/kv/from-browser`)).status, { timeout: 10_000, interval: 50 })
        .toBe(200);
      expect(await (await fetch(`http://${node.http}/v1/kv/from-browser`)).json()).toMatchObject({ value: 'set in Chromium' });
    }
  });

  it('given Kill clicked for node-3, then the page shows it suspect then dead, and saves a screenshot', async () => {
    await page.click('button.kill[data-name="node-3"]');
    await page.waitForSelector('#members-table tr[data-name="node-3"][data-state="dead"]', { timeout: 25_000 });
    await page.waitForSelector('#timeline li.dead');
    await page.waitForSelector('#timeline li.demo:has-text("dead on all 2 survivors")');
    expect(await page.locator('#timeline li.suspect').count()).toBeGreaterThan(0);
    expect(await page.locator('button.revive[data-name="node-3"]').count()).toBe(1);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: `${ARTIFACTS}dashboard.png`, fullPage: true });
  }, 40_000);
});
