// The web UI's end-to-end scenarios; each is one run of a fresh Chromium. See harness.mjs.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { connected, jobIdFromUrl, logRows, screenshot, url, waitForStatus, withBrowser } from './harness.mjs';

const PROJECT = process.env.VMO_PROJECT ?? 'e2e';
const target = (page, name) => page.locator(`[data-project=${PROJECT}] [data-target=${name}]`);

function expectSequence(texts, prefix, count) {
  const got = texts.filter((t) => t.startsWith(prefix + ' '));
  assert.deepEqual(
    got,
    Array.from({ length: count }, (_, i) => `${prefix} ${i + 1}`),
    `${prefix} lines in order, each once`,
  );
}

const scenarios = {
  /** Click a target: its lines stream in, in order, stderr told apart by label and colour. */
  async stream({ page }) {
    await target(page, 'stream').click();
    await page.waitForURL(/#\/jobs\//);
    await waitForStatus(page, 'success');
    await page.locator('[data-testid=log] [data-stream]', { hasText: 'done' }).waitFor();
    const rows = await logRows(page);
    const texts = rows.map((r) => r.text);
    expectSequence(texts, 'out', 20);
    expectSequence(texts, 'err', 20);
    assert.equal(texts.at(-1), 'done');
    const out = rows.find((r) => r.text === 'out 1');
    const err = rows.find((r) => r.text === 'err 1');
    assert.equal(out.stream, 'stdout');
    assert.equal(err.stream, 'stderr');
    assert.equal(err.label, 'err', 'stderr has a text label, not only a colour');
    assert.notEqual(err.color, out.color, 'stderr has its own colour');
    // ANSI colours are rendered, not printed
    const colored = page.locator('[data-testid=log] .line-text span', { hasText: 'colored' });
    assert.equal(await colored.evaluate((e) => getComputedStyle(e).color), 'rgb(95, 211, 141)');
    assert.ok(!texts.some((t) => t.includes('[32m')), 'no raw escape codes shown');
    // timestamps on demand
    assert.equal(await page.locator('[data-testid=ts]').count(), 0);
    await page.getByTestId('timestamps').check();
    assert.ok((await page.locator('[data-testid=ts]').count()) > 0);
    // search
    await page.getByTestId('log-search').fill('err 1');
    await page.getByTestId('log-search').press('Enter');
    await page.getByTestId('search-count').filter({ hasText: '1 of 11' }).waitFor(); // err 1, err 10-19
    // the raw log, exactly as the job wrote it (escape codes kept), as a file
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download').click()]);
    const raw = await readFile(await download.path(), 'utf8');
    assert.match(download.suggestedFilename(), /^vmo-[0-9a-f]{8}\.log$/);
    assert.ok(raw.includes('out 1\n') && raw.includes('err 20\n'), raw);
    assert.ok(raw.endsWith('\x1b[32mcolored\x1b[0m line\ndone\n'), JSON.stringify(raw.slice(-40)));
  },

  /** Reload mid-job: the whole log comes back, then live, with no line missing or twice. */
  async reload({ page }) {
    await target(page, 'slow').click();
    await page.waitForURL(/#\/jobs\//);
    await page.locator('[data-testid=log] [data-stream]', { hasText: 'tick 5' }).waitFor();
    await page.reload();
    await connected(page);
    await page.locator('[data-testid=log] [data-stream]', { hasText: 'tick 6' }).waitFor();
    // pause following: new lines are counted, not scrolled to; the counter resumes following
    if (await page.locator('main [data-status=running]').count()) {
      await page.getByTestId('follow-toggle').click();
      const counter = page.getByTestId('new-lines');
      await counter.filter({ hasText: /^\s*\d+ new lines? ↓\s*$/ }).waitFor();
      await counter.click();
      await counter.waitFor({ state: 'detached' });
      assert.match(await page.getByTestId('follow-toggle').textContent(), /Pause/);
    }
    await waitForStatus(page, 'success');
    await page.locator('[data-testid=log] [data-stream]', { hasText: 'tick 40' }).waitFor();
    expectSequence(
      (await logRows(page)).map((r) => r.text),
      'tick',
      40,
    );
  },

  /**
   * The connection drops mid-job (the socket closed on both sides, through Playwright's WebSocket route): the page
   * reconnects by itself and resumes after the last seq it had — every tick once, in order.
   */
  async reconnect({ page }) {
    const sockets = [];
    await page.routeWebSocket(/\/ws$/, (ws) => {
      sockets.push({ ws, server: ws.connectToServer() });
    });
    await page.reload();
    await connected(page);
    await target(page, 'slow').click();
    await page.waitForURL(/#\/jobs\//);
    await page.locator('[data-testid=log] [data-stream]', { hasText: 'tick 5' }).waitFor();
    const first = sockets[0];
    await first.server.close({ code: 1000, reason: 'test: connection dropped' });
    await first.ws.close({ code: 4000, reason: 'test: connection dropped' });
    await waitForStatus(page, 'success');
    await page.locator('[data-testid=log] [data-stream]', { hasText: 'tick 40' }).waitFor();
    expectSequence(
      (await logRows(page)).map((r) => r.text),
      'tick',
      40,
    );
    assert.ok(sockets.length >= 2, `the page reconnected (${sockets.length} sockets)`);
  },

  /** A million lines: all arrive, the DOM holds only the rows in view, and jumping around and searching stay quick. */
  async million({ page }) {
    await target(page, 'million').click();
    await page.waitForURL(/#\/jobs\//);
    await waitForStatus(page, 'success');
    const log = page.getByTestId('log');
    await page.waitForFunction(
      () => document.querySelector('[data-testid=log]')?.getAttribute('data-lines') === '1000000',
      null,
      { timeout: 60_000 },
    );
    const rendered = await log.locator('[data-stream]').count();
    assert.ok(rendered > 10 && rendered < 200, `${rendered} rows in the DOM`);
    await log.locator('[data-stream]', { hasText: /^out\s*1000000$/ }).waitFor(); // followed to the end
    // jump to the top and to the middle: each lands within a frame or two
    const timings = await page.evaluate(async () => {
      const view = document.querySelector('[data-testid=log]');
      const frame = () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      const out = [];
      for (const top of [0, view.scrollHeight / 2, view.scrollHeight / 4, 0]) {
        const t = performance.now();
        view.scrollTop = top;
        await frame();
        out.push(performance.now() - t);
      }
      return out;
    });
    await log.locator('[data-stream]', { hasText: /^out\s*1$/ }).waitFor();
    assert.ok(Math.max(...timings) < 1000, `scrolling took ${timings.map((t) => t.toFixed(0)).join(', ')} ms`);
    const started = Date.now();
    await page.getByTestId('log-search').fill('654321');
    await page.getByTestId('log-search').press('Enter');
    await page.getByTestId('search-count').filter({ hasText: '1 of 1' }).waitFor();
    await log.locator('[data-stream]', { hasText: '654321' }).waitFor();
    const searched = Date.now() - started;
    assert.ok(searched < 10_000, `search took ${searched} ms`);
    console.log(
      `million: ${rendered} rows in the DOM; scroll jumps ${timings.map((t) => t.toFixed(0)).join('/')} ms; search ${searched} ms`,
    );
  },

  /** Cancel from the UI; the target's button is disabled while its job runs; history shows it canceled. */
  async cancel({ page }) {
    await target(page, 'forever').click();
    await page.waitForURL(/#\/jobs\//);
    const id = jobIdFromUrl(page);
    await page.locator('[data-testid=log] [data-stream]', { hasText: 'started' }).waitFor();
    await page.goto(url + '/#/');
    await connected(page);
    await page.waitForFunction(
      (sel) => document.querySelector(sel)?.disabled === true,
      `[data-project=${PROJECT}] [data-target=forever]`,
    );
    await page.goto(`${url}/#/jobs/${id}`);
    await page.getByTestId('cancel').click();
    await waitForStatus(page, 'canceled');
    const system = page.locator('[data-testid=log] [data-stream=system]', { hasText: 'canceled on request' });
    await system.waitFor();
    assert.equal(await system.locator('span').first().textContent(), 'vmo');
    await page.goto(url + '/#/jobs');
    const row = page.locator(`tr[data-job="${id}"]`);
    await row.locator('[data-status=canceled]').waitFor();
    assert.match(await row.locator('[data-status]').textContent(), /⊘\s*canceled/);
    await page.goto(url + '/#/');
    await page.waitForFunction(
      (sel) => document.querySelector(sel)?.disabled === false,
      `[data-project=${PROJECT}] [data-target=forever]`,
    );
  },

  /** History: a job started elsewhere appears and ends live (no 30 s poll needed); filters and badges. */
  async history({ page, context }) {
    await page.goto(url + '/#/jobs');
    await page.getByText(/jobs · live updates/).waitFor();
    const other = await context.newPage();
    await other.goto(url + '/#/');
    await connected(other);
    await target(other, 'fail').click();
    await other.waitForURL(/#\/jobs\//);
    const id = jobIdFromUrl(other);
    const row = page.locator(`tr[data-job="${id}"]`);
    await row.locator('[data-status=failed]').waitFor({ timeout: 10_000 });
    assert.match(await row.locator('[data-status]').textContent(), /✕\s*failed\s*\(2\)/);
    await page.getByTestId('filter-status').selectOption('success');
    await row.waitFor({ state: 'detached' });
    await page.getByTestId('filter-status').selectOption('failed');
    await row.waitFor();
    await page.getByTestId('refresh').click();
    await row.waitFor();
  },

  /** The backend URL override lives in localStorage: it survives reloads until reset. */
  async settings({ page }) {
    await page.getByTestId('settings').click();
    await page.getByLabel('Backend URL').fill('127.0.0.1:9');
    await page.getByRole('button', { name: 'Save and reload' }).click();
    await page.waitForLoadState('load');
    await page.getByTestId('connection').filter({ hasText: '127.0.0.1:9' }).waitFor();
    await page.reload();
    await page.getByTestId('connection').filter({ hasText: '127.0.0.1:9' }).waitFor();
    assert.notEqual(
      await page.locator('[data-testid=connection] [data-state]').getAttribute('data-state'),
      'connected',
    );
    assert.equal(await page.evaluate(() => localStorage.getItem('vmo.backendUrl')), 'http://127.0.0.1:9');
    await page.keyboard.press('Control+,');
    assert.equal(await page.getByLabel('Backend URL').inputValue(), 'http://127.0.0.1:9');
    await page.getByRole('button', { name: 'Use this daemon' }).click();
    await page.waitForLoadState('load');
    await connected(page);
    assert.equal(await page.evaluate(() => localStorage.getItem('vmo.backendUrl')), null);
  },

  /** A page of another origin, in the same signed-in browser, cannot open the daemon's WebSocket or read its API. */
  async origin({ page }) {
    const daemon = new URL(url);
    const server = createServer((_, res) => {
      res.setHeader('content-type', 'text/html');
      res.end(`<script>
        window.result = new Promise((resolve) => {
          const ws = new WebSocket('ws://${daemon.host}/ws');
          ws.onopen = () => resolve('open');
          ws.onerror = () => resolve('refused');
        });
        window.api = fetch('${url}/api/jobs', { credentials: 'include' }).then((r) => 'read ' + r.status, () => 'blocked');
      </script>`);
    });
    await new Promise((r) => server.listen(0, '127.0.0.1', r));
    try {
      // same site as the daemon (127.0.0.1), other port: the Strict cookie is even sent; the Origin check refuses
      await page.goto(`http://127.0.0.1:${server.address().port}/`);
      assert.equal(await page.evaluate(() => window.result), 'refused');
      assert.equal(await page.evaluate(() => window.api), 'blocked');
      // the daemon's own page, in the same browser, still connects
      await page.goto(url + '/#/');
      await connected(page);
    } finally {
      server.close();
    }
  },

  /** A PTY job in xterm.js: attach, see its prompt, type into it. Needs the terminal branch's daemon side. */
  async pty({ page }) {
    await page.locator(`[data-project=${PROJECT}] [data-terminal=ask]`).click();
    await page.waitForURL(/#\/terminal\//);
    const rows = page.locator('[data-testid=terminal] .xterm-rows');
    await rows.filter({ hasText: 'name?' }).waitFor();
    await page.locator('[data-testid=terminal] textarea').focus();
    await page.keyboard.type('vmo\r');
    await rows.filter({ hasText: 'hello vmo' }).waitFor();
    await waitForStatus(page, 'success');
    await screenshot(page, 'terminal');
  },

  /**
   * The terminal page on an ended job: xterm.js renders and either replays the output (a daemon with PTY jobs:
   * attach-job works on any job) or says plainly that this daemon has no PTY jobs yet.
   */
  async terminal({ page }) {
    await target(page, 'stream').click();
    await page.waitForURL(/#\/jobs\//);
    await waitForStatus(page, 'success');
    await page.goto(`${url}/#/terminal/${jobIdFromUrl(page)}`);
    await page.locator('[data-testid=terminal] .xterm').waitFor();
    const rows = page.locator('[data-testid=terminal] .xterm-rows');
    const notYet = page.getByTestId('terminal-error').filter({ hasText: 'does not run interactive (PTY) jobs yet' });
    await Promise.race([rows.filter({ hasText: 'out 1' }).waitFor(), notYet.waitFor()]);
  },

  /**
   * Accessibility: axe-core's WCAG 2 A/AA rules (contrast, labels, names, landmarks…) on every page, and a target
   * started from the keyboard alone.
   */
  async a11y({ page }) {
    // evaluated through DevTools: the daemon's CSP rightly refuses an injected <script>
    const axe = await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
    const audit = async (name) => {
      await page.evaluate(axe);
      const result = await page.evaluate(() =>
        window.axe.run(document, {
          runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
        }),
      );
      const problems = result.violations.map(
        (v) =>
          `${name}: ${v.id} (${v.impact}): ${v.help} — ` +
          v.nodes
            .slice(0, 3)
            .map((n) => n.target.join(' '))
            .join(' | '),
      );
      assert.deepEqual(problems, [], problems.join('\n'));
    };
    await page.locator(`[data-project=${PROJECT}]`).waitFor();
    await audit('projects');
    // keyboard only: tab to the target's button, Enter starts it
    const button = target(page, 'stream');
    for (let i = 0; i < 40 && !(await button.evaluate((b) => b === document.activeElement)); i++) {
      await page.keyboard.press('Tab');
    }
    assert.ok(await button.evaluate((b) => b === document.activeElement), 'the target button is reachable by Tab');
    await page.keyboard.press('Enter');
    await page.waitForURL(/#\/jobs\//);
    await waitForStatus(page, 'success');
    await audit('job');
    await page.goto(url + '/#/jobs');
    await page.locator('tr[data-job]').first().waitFor();
    await audit('history');
    await page.goto(url + '/#/vms');
    await page.locator('[data-vm]').first().waitFor();
    await audit('vms');
    await page.keyboard.press('Control+,');
    await page.getByLabel('Backend URL').waitFor();
    await audit('settings');
  },

  /** Each page, for the README (docs/screenshots); a job left running shows what that looks like. */
  async screenshots({ page }) {
    await target(page, 'stream').click();
    await waitForStatus(page, 'success');
    await page.locator('[data-testid=log] [data-stream]', { hasText: 'done' }).waitFor();
    await page.getByTestId('timestamps').check();
    await screenshot(page, 'log-viewer');
    await page.goto(url + '/#/');
    await target(page, 'deploy').click();
    await page.waitForURL(/#\/jobs\//);
    const running = jobIdFromUrl(page);
    await page.goto(url + '/#/');
    await page.waitForFunction(
      (sel) => document.querySelector(sel)?.disabled === true,
      `[data-project=${PROJECT}] [data-target=deploy]`,
    );
    await screenshot(page, 'dashboard');
    await page.goto(url + '/#/jobs');
    await page.locator(`tr[data-job="${running}"]`).waitFor();
    await screenshot(page, 'history');
    await page.goto(url + '/#/vms');
    await page.locator('[data-vm]').first().waitFor();
    await screenshot(page, 'vms');
    await page.getByTestId('settings').click();
    await page.getByLabel('Backend URL').waitFor();
    await screenshot(page, 'settings');
    await page.keyboard.press('Escape');
    await page.getByLabel('Backend URL').waitFor({ state: 'detached' });
    await page.goto(`${url}/#/jobs/${running}`);
    await page.getByTestId('cancel').click();
    await waitForStatus(page, 'canceled');
  },
};

const name = process.argv[2];
if (!scenarios[name]) {
  console.error(`no scenario "${name}"; one of: ${Object.keys(scenarios).join(', ')}`);
  process.exit(2);
}
const viewport = name === 'screenshots' || name === 'pty' ? { width: 1280, height: 800 } : undefined;
try {
  await withBrowser(scenarios[name], viewport);
  console.log(`scenario ${name}: passed`);
} catch (e) {
  console.error(`scenario ${name}: FAILED\n${e.stack ?? e}`);
  process.exit(1);
}
