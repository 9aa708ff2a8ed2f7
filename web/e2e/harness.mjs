// Runs one end-to-end scenario in Debian's Chromium (playwright-core downloads no browser here), against the real
// daemon whose address and one-time login path the JUnit test (cli/src/test/java/io/vmo/e2e/WebUiIT) passes in:
//   VMO_URL=http://127.0.0.1:PORT VMO_LOGIN=/login?token=… VMO_SHOTS=dir node e2e/scenarios.mjs NAME
import { chromium } from 'playwright-core';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const url = process.env.VMO_URL;
export const login = process.env.VMO_LOGIN;
const shots = process.env.VMO_SHOTS;

// The flags the machine notes give: without the background-networking ones Chromium keeps dialing Google.
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export async function withBrowser(fn, { width = 1280, height = 1400 } = {}) {
  if (!url || !login) throw new Error('VMO_URL and VMO_LOGIN must be set (see harness.mjs)');
  const profile = mkdtempSync(join(tmpdir(), 'vmo-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: FLAGS,
    viewport: { width, height },
  });
  context.setDefaultTimeout(20_000);
  const errors = [];
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('pageerror', (e) => errors.push(e.message));
  try {
    await page.goto(url + login); // sets the session cookie and lands on the dashboard
    await page.waitForURL(url + '/');
    await connected(page);
    await fn({ context, page });
    if (errors.length) throw new Error(`errors in the page: ${errors.join('; ')}`);
  } catch (e) {
    if (shots) {
      mkdirSync(shots, { recursive: true });
      await page.screenshot({ path: join(shots, `failure-${process.argv[2]}.png`) }).catch(() => {});
    }
    throw e;
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

export async function connected(page) {
  await page.locator('[data-testid=connection] [data-state=connected]').waitFor();
}

export async function screenshot(page, name) {
  if (!shots) return;
  mkdirSync(shots, { recursive: true });
  await page.screenshot({ path: join(shots, `${name}.png`) });
}

/** The texts of the log's rendered rows, without the stream label, with their streams. */
export async function logRows(page) {
  return page.locator('[data-testid=log] [data-stream]').evaluateAll((rows) =>
    rows.map((r) => ({
      stream: r.getAttribute('data-stream'),
      text: r.querySelector('.line-text')?.textContent ?? '',
      label: r.firstElementChild?.textContent ?? '',
      color: getComputedStyle(r.querySelector('.line-text')).color,
    })),
  );
}

export async function waitForStatus(page, status) {
  await page.locator(`main [data-status=${status}]`).first().waitFor();
}

export function jobIdFromUrl(page) {
  const m = page.url().match(/#\/(?:jobs|terminal)\/([0-9a-f-]{36})/);
  if (!m) throw new Error(`not on a job page: ${page.url()}`);
  return m[1];
}
