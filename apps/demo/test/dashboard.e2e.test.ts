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
      // Dead members are reaped 8 s after their death (Local preset: 15 s), so the test sees the dashboard keep them.
      tunables: { retransmitMult: DEMO_RETRANSMIT_MULT, gossipToTheDeadTimeMs: 8_000 },
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

  it('given node-3 dead, then the cluster-health summary says a member failed, and the dead row keeps the time it died', async () => {
    await page.waitForSelector('#summary[data-level="failing"]');
    expect(await page.textContent('#summary-title')).toBe('1 member failed');
    expect(await page.textContent('#summary-text')).toMatch(/2 of 3 alive/);
    expect(await page.textContent('#members-table tr[data-name="node-3"] .since')).toMatch(/^since \d{2}:\d{2}:\d{2}/);
  });

  it('given tags, a status filter and a search by name or tag, then the table shows exactly the matching members', async () => {
    expect(await page.textContent('#members-table tr[data-name="node-2"] td.tags')).toBe('zone=west');
    expect(await page.getAttribute('#members-table tr[data-name="node-1"] td.col-meta', 'title')).toMatch(/"tags":\{"zone":"east"\}/);
    const names = async (): Promise<string[]> => {
      const rows = await page.locator('#members-table tbody tr').all();
      return Promise.all(rows.map(async (tr) => (await tr.getAttribute('data-name')) ?? ''));
    };
    await page.selectOption('#filter-status', 'dead');
    expect(await names()).toEqual(['node-3']);
    await page.selectOption('#filter-status', '');
    await page.fill('#filter-search', 'zone=east');
    expect(await names()).toEqual(['node-1', 'node-3']);
    await page.fill('#filter-search', 'node-2');
    expect(await names()).toEqual(['node-2']);
    expect(await page.textContent('#filter-count')).toBe('1 of 3 members');
    await page.fill('#filter-search', '');
  });

  it('given a click on a member, then its detail panel shows incarnation history, last RTT of our probes, health where local and recent events', async () => {
    await page.click('#members-table tr[data-name="node-2"] td:first-child', { position: { x: 3, y: 3 } });
    await page.waitForSelector('#detail:not(.hidden)');
    expect(await page.textContent('#detail-name')).toBe('node-2');
    await expect.poll(async () => page.textContent('#detail-facts'), { timeout: 10_000 }).toMatch(/last RTT[\d.]+ ms, \d+(ms|s) ago \(our probes\)/);
    // Lifeguard's score is live: a probe of a node killed earlier may have raised it, so any score passes here.
    expect(await page.textContent('#detail-facts')).toMatch(/health scoreonly known on that node|health score\d+ \(in-process demo node\)/);
    expect(await page.textContent('#detail-incarnations')).toMatch(/incarnation 1/);
    expect(await page.textContent('#detail-events')).toMatch(/node-2 joined/);

    await page.click('#members-table tr[data-name="node-3"] td:first-child', { position: { x: 3, y: 3 } });
    await page.waitForSelector('#detail-name:has-text("node-3")');
    expect(await page.textContent('#detail-events')).toMatch(/node-3 declared dead/);
    expect(await page.textContent('#detail-events')).toMatch(/node-3 is suspected of failure/);

    await page.click('#members-table tr[data-name="node-1"] td:first-child', { position: { x: 3, y: 3 } });
    await page.waitForSelector('#detail-name:has-text("node-1")');
    // Read both in one turn of the page, so a refresh between them cannot make them differ.
    const [facts, header] = await page.evaluate<[string, string]>("[document.querySelector('#detail-facts').textContent, document.querySelector('#health').textContent]");
    expect(facts).toMatch(/health score\d+ \(this node\)/);
    expect(/health score(\d+) \(this node\)/.exec(facts)?.[1]).toBe(header);
    await page.click('#members-table tr[data-name="node-2"] td:first-child', { position: { x: 3, y: 3 } });
    await page.waitForSelector('#detail-name:has-text("node-2")');
  });

  it('given node-3 reaped from the member list, then the dashboard keeps it in view, greyed, with its times', async () => {
    await expect.poll(async () => (await (await fetch(`${base}/v1/members`)).json()) as { name: string }[], { timeout: 20_000, interval: 200 }).not.toContainEqual(expect.objectContaining({ name: 'node-3' }));
    await page.waitForSelector('#members-table tr.gone[data-name="node-3"][data-state="dead"]', { timeout: 10_000 });
    expect(await page.textContent('#members-table tr[data-name="node-3"] .since')).toMatch(/^since \d{2}:\d{2}:\d{2} · reaped$/);
    expect(await page.textContent('#summary-text')).toMatch(/1 gone from the member list/);
  }, 40_000);

  it('given 1400 px and 420 px wide windows, then the layout fits (no sideways scrolling at 420 px) and screenshots are kept', async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.setViewportSize({ width: 1400, height: 900 });
    await page.screenshot({ path: `${ARTIFACTS}dashboard-1400.png`, fullPage: true });
    await page.setViewportSize({ width: 420, height: 900 });
    await page.waitForFunction('document.documentElement.scrollWidth <= 420');
    expect(await page.isVisible('#members-table tr[data-name="node-2"]')).toBe(true);
    expect(await page.isVisible('#filter-search')).toBe(true);
    expect(await page.isVisible('#detail')).toBe(true);
    await page.screenshot({ path: `${ARTIFACTS}dashboard-420.png`, fullPage: true });
  });
});
