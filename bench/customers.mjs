// The customer list at scale on the in-browser backend, in headless Chromium (desktop
// viewport, no throttling). For 2,000 and then 20,000 customers (the demo grown
// through Settings, one conversation each), as the admin (who sees them all), it
// prints medians of REPEAT runs of:
//   - first render: from clicking "Customers" in the navigation until the first row
//     is in the page;
//   - saved view: from clicking "Hot" until the list shows the hot customers alone;
//   - sort: from choosing "Hot leads first" until the rows are in intent order;
//   - open a profile: from clicking a customer until their profile shows them;
// and once, a CSV import of IMPORT_ROWS rows (every 20th repeats the row before's
// email, every 100th has a bad phone): the time from choosing the file to the
// preview, from "Confirm import" to the report, and how long input would have
// waited at worst meanwhile (the longest task, and the latest a 50 ms timer fired).
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, serveDist } from '../tests/e2e/support.mjs';
import { installMeasure, median } from './measure.mjs';

const SIZES = (process.env.SIZES ?? '2000,20000').split(',').map(Number);
const REPEAT = Number(process.env.REPEAT ?? 5);
const IMPORT_ROWS = Number(process.env.IMPORT_ROWS ?? 10_000);

const FIRST_ROW = '[role=table] [role=row][aria-rowindex="2"]';

function csvFile(n) {
  const lines = ['姓名,公司,手机,邮箱,标签'];
  for (let i = 0; i < n; i += 1) {
    const mail = `lead${i % 20 === 19 ? i - 1 : i}@import.example`;
    const phone = i % 100 === 99 ? '12ab' : `18${String(i).padStart(9, '0')}`;
    lines.push(`导入客户${i},公司${i % 50},${phone},${mail},展会`);
  }
  return Buffer.from(`\ufeff${lines.join('\r\n')}\r\n`, 'utf8');
}

async function measureSize(browser, url, n) {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'en-US' });
  await context.addInitScript(installMeasure);
  await context.addInitScript(() => localStorage.setItem('lianjie.local.me', JSON.stringify('u-admin')));
  const page = await context.newPage();
  await page.goto(`${url}/settings`);
  await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
  await page.getByLabel('Sample conversations').fill(String(n));
  const loadStart = Date.now();
  await page.getByRole('button', { name: 'Load sample conversations' }).click();
  await page.getByRole('status').filter({ hasText: 'Demo data restored.' }).waitFor({ timeout: 600_000 });
  const loadMs = Date.now() - loadStart;
  await page.goto(`${url}/`);
  await page.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor();
  // Every record is in memory once the dashboard's summary is.
  await page.getByRole('region', { name: 'Summary' }).waitFor({ timeout: 120_000 });
  await page.waitForTimeout(3000);

  const nav = page.getByRole('navigation', { name: 'Main navigation' });
  const first = [];
  for (let i = 0; i < REPEAT; i += 1) {
    await nav.getByRole('link', { name: 'Dashboard' }).click();
    await page.getByRole('region', { name: 'Summary' }).waitFor();
    first.push(await page.evaluate((row) => window.__measure(
      () => document.querySelector('nav a[href="/customers"]').click(),
      () => document.querySelector(row),
    ), FIRST_ROW));
  }
  const total = Number((await page.locator('.list-count').innerText()).match(/of ([\d,]+)/)[1].replace(/,/g, ''));

  // A saved view and back: "Hot", then "All customers".
  const view = [];
  for (let i = 0; i < REPEAT; i += 1) {
    for (const label of ['Hot', 'All customers']) {
      const run = await page.evaluate(([name, row]) => {
        const button = [...document.querySelectorAll('[aria-label="Saved views"] button')]
          .find((b) => b.textContent.trim() === name);
        const count = () => document.querySelector('.list-count')?.textContent;
        const before = count();
        return window.__measure(() => button.click(), () => count() !== before && document.querySelector(row));
      }, [label, FIRST_ROW]);
      if (label === 'Hot') view.push(run);
    }
  }

  // Sort by intent and back to the last touch.
  const sort = [];
  for (let i = 0; i < REPEAT; i += 1) {
    for (const value of ['intent', 'last_touch']) {
      const run = await page.evaluate(([key, row]) => {
        const select = [...document.querySelectorAll('.customer-tools label.inline-field select')]
          .find((s) => [...s.options].some((o) => o.value === 'intent'));
        const firstName = () => document.querySelector(`${row} a`)?.textContent;
        const intents = () => [...document.querySelectorAll('[role=table] [role=meter]')]
          .map((m) => Number(m.getAttribute('aria-valuenow')));
        const before = firstName();
        return window.__measure(() => {
          select.value = key;
          select.dispatchEvent(new Event('change', { bubbles: true }));
        }, () => {
          const shown = intents();
          const ordered = key !== 'intent' || shown.every((x, j) => j === 0 || shown[j - 1] >= x);
          return firstName() !== before && shown.length > 0 && ordered;
        });
      }, [value, FIRST_ROW]);
      if (value === 'intent') sort.push(run);
    }
  }

  // Open the first customers' profiles, each from the list (reached through the
  // navigation: a reload would time the messages still loading in the background).
  const open = [];
  for (let i = 0; i < REPEAT; i += 1) {
    await nav.getByRole('link', { name: 'Customers' }).click();
    await page.locator(FIRST_ROW).waitFor({ timeout: 60_000 });
    open.push(await page.evaluate(([pos]) => {
      const link = document.querySelector(`[role=table] [role=row][aria-rowindex="${pos}"] a`);
      const name = link.textContent;
      return window.__measure(() => link.click(), () => document.querySelector('#profile-h')?.textContent === name);
    }, [i + 2]));
  }

  // Import a file.
  await nav.getByRole('link', { name: 'Customers' }).click();
  await page.locator(FIRST_ROW).waitFor({ timeout: 60_000 });
  await page.getByRole('button', { name: 'Import customers' }).click();
  const panel = page.getByRole('region', { name: 'Import customers' });
  await page.evaluate(() => {
    window.__longTasks = [];
    window.__lag = { max: 0, run: true };
    let last = performance.now();
    const tick = () => {
      const now = performance.now();
      window.__lag.max = Math.max(window.__lag.max, now - last - 50);
      last = now;
      if (window.__lag.run) setTimeout(tick, 50);
    };
    setTimeout(tick, 50);
  });
  let t0 = Date.now();
  await panel.getByLabel('CSV file').setInputFiles({ name: 'leads.csv', mimeType: 'text/csv', buffer: csvFile(IMPORT_ROWS) });
  const summary = panel.getByRole('status').filter({ hasText: /^Will create/ });
  await summary.waitFor({ timeout: 120_000 });
  const previewMs = Date.now() - t0;
  const preview = await summary.innerText();
  const previewWorst = await page.evaluate(() => ({ lag: window.__lag.max, task: Math.max(0, ...window.__longTasks.map((t) => t[1])) }));
  await page.evaluate(() => { window.__longTasks = []; window.__lag.max = 0; });
  t0 = Date.now();
  await panel.getByRole('button', { name: 'Confirm import' }).click();
  const done = panel.getByRole('status').filter({ hasText: /^Created/ });
  await done.waitFor({ timeout: 300_000 });
  const importMs = Date.now() - t0;
  const report = await done.innerText();
  const importWorst = await page.evaluate(() => {
    window.__lag.run = false;
    return { lag: window.__lag.max, task: Math.max(0, ...window.__longTasks.map((t) => t[1])) };
  });
  await context.close();
  return { n, total, loadMs, first, view, sort, open, previewMs, preview, previewWorst, importMs, report, importWorst };
}

const server = await serveDist();
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
const results = [];
try {
  for (const n of SIZES) results.push(await measureSize(browser, server.url, n));
} finally {
  await browser.close();
  await server.close();
}

const ms = (x) => `${x.toFixed(1)} ms`;
const fmt = (runs) => `${ms(median(runs.map((r) => r.dom)))} (next frame ${ms(median(runs.map((r) => r.frame)))})`;
for (const r of results) {
  console.log(`\n${r.total.toLocaleString('en')} customers (the demo grown to ${r.n.toLocaleString('en')} conversations,` +
    ` loaded into IndexedDB in ${(r.loadMs / 1000).toFixed(1)} s):`);
  console.log(`  first render of /customers (from the nav link)  ${fmt(r.first)}`);
  console.log(`  apply a saved view (Hot)                        ${fmt(r.view)}`);
  console.log(`  sort by intent                                  ${fmt(r.sort)}`);
  console.log(`  open a profile from the list                    ${fmt(r.open)}`);
  console.log(`  import ${IMPORT_ROWS.toLocaleString('en')} CSV rows: preview in ${ms(r.previewMs)} ("${r.preview}"),` +
    ` longest task ${ms(r.previewWorst.task)}, worst timer delay ${ms(r.previewWorst.lag)}`);
  console.log(`    confirm to report ${ms(r.importMs)} ("${r.report}"), longest task ${ms(r.importWorst.task)},` +
    ` worst timer delay ${ms(r.importWorst.lag)}`);
  for (const key of ['first', 'view', 'sort', 'open']) {
    for (const f of r[key].filter((x) => x.failed)) console.log(`  a "${key}" step did not complete within 20 s: ${f.failed}`);
  }
}
if (results.length === 2) {
  const [a, b] = results;
  const ratio = (key) => (median(b[key].map((r) => r.dom)) / median(a[key].map((r) => r.dom))).toFixed(2);
  console.log(`\n${(b.total / a.total).toFixed(1)}x the customers costs: first render ${ratio('first')}x, saved view ${ratio('view')}x,` +
    ` sort ${ratio('sort')}x, open ${ratio('open')}x (target at most 1.5x)`);
}
