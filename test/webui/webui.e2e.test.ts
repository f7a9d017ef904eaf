// The Temporal Web UI as an operator sees it, in headless Chromium (Debian's, driven by
// playwright-core): a real dev server with its UI, a worker and a simulated fleet. Mid-wave, the
// wave's page shows its summary, its current details (phase, checkpoint verdicts) and its search
// attributes; after the wave is aborted, the list page shows its verdict and filters on it.
// Screenshots go to test-output/webui/.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { Plan } from '../../src/plan/schema';
import type { LocalFleet } from '../../src/stack/local-stack';
import type { TemporalDevServer } from '../../src/stack/temporal-server';
import type { WaveStatus } from '../../src/model/status';
import { SA_CHECKPOINT, SA_PHASE, SA_VERDICT, SA_WAVE_ID } from '../../src/workflows/search-attributes';
import { client, localPlan, runWave, startFleet, startTemporal, startWorker, tempDir, waitForStatus, type RunningWorker } from '../helpers/wave-env';

jest.setTimeout(150_000);

const TQ = 'webui-tests';
const WAVE = 'webui-wave';
// 24 h in 6 min: T+1h after 15 s, T+6h after 90 s; the page is looked at in between.
const SCALE = 240;
const SHOTS = join(__dirname, '../../test-output/webui');
const UI_TIMEOUT = 30_000;

let temporal: TemporalDevServer;
let worker: RunningWorker;
let c: Client;
let fleet: LocalFleet;
let plan: Plan;
let handle: WorkflowHandle;
let browser: Browser;
let page: Page;
let ui: string;
const root = tempDir('webui');

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  temporal = await startTemporal({ ui: true });
  if (!temporal.uiUrl) throw new Error('the dev server was started without its Web UI');
  ui = temporal.uiUrl;
  worker = await startWorker(temporal.address, root, TQ);
  c = await client(temporal.address);
  fleet = await startFleet(localPlan(root), root);
  plan = fleet.plan;
  // Policy observe: whatever the judge makes of latency on a box busy rendering the UI, the wave stays
  // in monitoring while the page is looked at (with auto, a noisy p99 has rolled a healthy wave back).
  handle = await runWave(c, plan, { waveId: WAVE, timeScale: SCALE, taskQueue: TQ, policy: 'observe' });
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  page = await browser.newPage({ viewport: { width: 1920, height: 1200 } });
  page.setDefaultTimeout(UI_TIMEOUT);
});

afterAll(async () => {
  await browser?.close();
  await c?.connection.close();
  await worker?.stop();
  await fleet?.stop();
  await temporal?.stop();
});

const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true }).catch(() => undefined);

/** Runs `check` and keeps a screenshot of the page as it was, whether the check passed or not. */
async function step(name: string, check: () => Promise<void>) {
  try {
    await check();
    await shot(name);
  } catch (err) {
    await shot(`${name}-FAILED`);
    throw err;
  }
}

/** Polls `read` until `ok` holds; on timeout, fails with what was last read. */
async function until<T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = UI_TIMEOUT): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  let error: unknown;
  while (Date.now() < deadline) {
    try {
      last = await read();
      if (ok(last)) return last;
    } catch (err) {
      error = err;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`timed out waiting for ${what}; last read: ${JSON.stringify(last ?? String(error))}`);
}

/** The text of the rendered markdown (an iframe) under a User Metadata heading. */
const markdownUnder = (heading: string) => () =>
  page.locator(`xpath=//h3[normalize-space()="${heading}"]/following::iframe[1]`).contentFrame().locator('body').innerText({ timeout: 5000 });

test('mid-wave, the wave page shows its summary, its phase and checkpoint verdicts, and its search attributes', async () => {
  // Mid-wave: the first checkpoint has run, the next is a minute of real time away.
  const s: WaveStatus = await waitForStatus(c, WAVE, (x) => x.checkpoints[0].ranAt !== null, 60_000);
  const first = s.checkpoints[0];
  const second = s.checkpoints[1];
  expect(first.verdict).toBeTruthy();
  expect(s.phase).toBe('monitoring');
  const sa = (await handle.describe()).typedSearchAttributes;
  expect(sa.get(SA_PHASE)).toBe('monitoring');
  expect(sa.get(SA_CHECKPOINT)).toBe(first.name);

  await step('1-wave-history', async () => {
    await page.goto(`${ui}/namespaces/default/workflows/${WAVE}`);
    await page.locator('[data-testid="workflow-id-heading"]', { hasText: WAVE }).waitFor();
    await page.getByText('Running', { exact: true }).first().waitFor();
    // Timers carry a summary: the history names what the wave is waiting for.
    await page.getByText('next monitor tick').first().waitFor();
  });

  await step('2-wave-user-metadata', async () => {
    await page.click('[data-testid="user-metadata-tab"]');
    const summary = `${plan.wave.title}: ${plan.hosts.length} hosts, ${plan.agents.underTest.map((a) => a.name).join(', ')} under test ×${SCALE}`;
    await until('the static summary', markdownUnder('Summary'), (t) => t.trim() === summary);
    await until('the static details', markdownUnder('Details'), (t) => t.includes(`Hosts: ${plan.hosts.map((h) => h.name).join(', ')}`));
    // Current details come from the running worker: the phase and each checkpoint's verdict so far.
    const details = await until('the current details', markdownUnder('Current Details'), (t) => t.includes(`${plan.wave.title} — `));
    expect(details).toContain(`${plan.wave.title} — monitoring`);
    expect(details).toMatch(new RegExp(`Checkpoints:\\s*${esc(first.name)} ${esc(first.verdict!)}\\b`));
    expect(details).toContain(`${second.name} …`);
    expect(details).toContain(`Next: ${second.name} at `);
  });

  await step('3-wave-search-attributes', async () => {
    await page.click('[data-testid="search-attributes-tab"]');
    const main = page.locator('main');
    const text = await until('the search attributes', () => main.innerText({ timeout: 5000 }), (t) => t.includes('"WavePhase"'));
    expect(text).toContain(`"${SA_WAVE_ID.name}": "${WAVE}"`);
    expect(text).toContain(`"${SA_PHASE.name}": "monitoring"`);
    expect(text).toContain(`"${SA_CHECKPOINT.name}": "${first.name}"`);
    expect(text).toContain(`"${SA_VERDICT.name}": "pending"`);
  });

  // The page was read while the wave still stood where the checks expect it.
  const after = await handle.query<WaveStatus>('status');
  expect(after.checkpoints[1].ranAt).toBeNull();
});

test('after the wave is aborted, the list page shows its verdict and filters on it', async () => {
  await handle.signal('abort', { reason: 'web UI test over', by: 'webui-test' });
  const end = (await handle.result()) as WaveStatus;
  expect(end.verdict).toBe('ABORTED');
  // Visibility is eventually consistent: wait until the server answers the filter the page will use.
  await until(
    'the visibility store to index the verdict',
    async () => {
      const ids: string[] = [];
      for await (const w of c.workflow.list({ query: 'WaveVerdict="ABORTED"' })) ids.push(w.workflowId);
      return ids;
    },
    (ids) => ids.includes(WAVE),
  );

  const listUrl = (q: string) => `${ui}/namespaces/default/workflows?query=${encodeURIComponent(q)}`;
  // The query shows as a filter chip above the table: `WaveVerdict = "ABORTED"`.
  const filterChip = (value: string) =>
    until(`the filter chip ${SA_VERDICT.name} = "${value}"`, async () => (await page.locator(`button[aria-controls="dropdown-filter-chip-${SA_VERDICT.name}-0"]`).innerText({ timeout: 1000 })).replace(/\s+/g, ' ').trim(), (t) => t === `${SA_VERDICT.name} = "${value}"`);
  const row = () => page.locator('[data-testid="workflows-summary-configurable-table-row"]', { hasText: WAVE });

  await step('4-list-aborted', async () => {
    await page.goto(listUrl(`${SA_VERDICT.name}="ABORTED"`));
    await filterChip('ABORTED');
    await row().waitFor();
    expect(await row().getByText('Completed', { exact: true }).count()).toBe(1);
    // Show the verdict as a column, as an operator would (the table's configuration drawer).
    await page.click('[data-testid="workflows-summary-table-configuration-button"]');
    await page.click(`[data-testid="orderable-list-item-${SA_VERDICT.name}-add-button"]`);
    await page.getByRole('button', { name: 'Close' }).filter({ visible: true }).click();
    await page.getByText('Configure Workflows Table').waitFor({ state: 'hidden' });
    const header = page.locator(`[data-testid="workflows-summary-table-header-cell-${SA_VERDICT.name}"]`);
    await header.waitFor();
    const headers = await page.locator('table thead tr').first().locator('th').allInnerTexts();
    const col = headers.findIndex((h) => h.trim() === SA_VERDICT.name);
    expect(col).toBeGreaterThanOrEqual(0);
    const cells = await row().locator('td').allInnerTexts();
    expect(cells.length).toBe(headers.length);
    expect(cells[col].trim()).toBe('ABORTED');
    const cell = row().locator('td').nth(col).getByText('ABORTED', { exact: true });
    await cell.scrollIntoViewIfNeeded();
    expect(await cell.isVisible()).toBe(true);
  });

  await step('5-list-go-empty', async () => {
    // Another verdict: the aborted wave is filtered out.
    await page.goto(listUrl(`${SA_VERDICT.name}="GO"`));
    await filterChip('GO');
    await page.getByText('No Results', { exact: true }).waitFor();
    expect(await row().count()).toBe(0);
  });
});

function esc(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
