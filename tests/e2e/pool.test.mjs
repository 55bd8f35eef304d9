// The public pool (公海), on both backends: the admin sets a daily claim limit, a
// rep claims up to it and is refused beyond it, the claim joins the customer's
// timeline; the rules, made strict, send neglected customers back while a hot one
// stays with a task for its rep, and the manager sees it among those due back and
// on the team board.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BACKEND, browserSuite, enterAsStaff, heading, switchTo } from './support.mjs';

const suite = browserSuite();
const { url, withPage } = suite;

/** Sets one rule of the first pool in Settings (as the admin) and saves. */
async function setRule(page, label, value) {
  await page.goto(url('/settings'));
  await heading(page, 'Settings');
  const pools = page.getByRole('region', { name: 'Public pools' });
  const field = pools.getByRole('spinbutton', { name: label });
  const was = await field.inputValue();
  // Emptied by keys, the field stays empty (a new number goes in as typed) and shows
  // the rule again when left so.
  await field.selectText();
  await field.press('Backspace');
  await field.evaluate(() => new Promise((done) => { requestAnimationFrame(() => setTimeout(done, 50)); }));
  assert.equal(await field.inputValue(), '');
  await field.press('Tab');
  assert.equal(await field.inputValue(), was);
  await field.fill(String(value));
  await pools.getByRole('button', { name: 'Save pools' }).click();
  await page.getByRole('status').filter({ hasText: 'Saved.' }).first().waitFor();
  return pools;
}

test(`a rep claims from the pool up to the daily limit and is refused beyond it (${BACKEND})`, () =>
  withPage(async (page) => {
    await enterAsStaff(page, url('/settings'), 'admin');
    await setRule(page, 'Claims per rep per day', 2);

    await switchTo(page, 'rep');
    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Pool' }).click();
    await heading(page, 'Public pool');
    const pool = page.getByRole('region', { name: '公海 Public pool' });
    await pool.getByText('Claimed today 0/2').waitFor();
    const claims = pool.getByRole('button', { name: /^Claim / });
    await claims.first().waitFor();
    const waiting = await claims.count();
    assert.ok(waiting >= 3, `${waiting} waiting`);
    const first = (await claims.first().getAttribute('aria-label')).replace(/^Claim /, '');
    await claims.first().click();
    await page.getByRole('status').filter({ hasText: `${first} is yours now` }).waitFor();
    await pool.getByText('Claimed today 1/2').waitFor();
    await claims.first().click();
    await pool.getByText('Claimed today 2/2').waitFor();
    // The third is refused, in the pool's own figures, and stays in the pool.
    await claims.first().click();
    await page.getByRole('alert').filter({ hasText: "You have claimed 2 today, this pool's daily limit." }).waitFor();
    assert.equal(await claims.count(), waiting - 2);

    // The claimed customer is the rep's now, and the timeline says how.
    await page.goto(url('/customers'));
    await heading(page, 'Customers');
    await page.getByRole('table', { name: 'Customers' }).getByRole('link', { name: first }).click();
    await heading(page, 'Customer profile');
    await page.getByText(`王磊 claimed them from the pool`).waitFor();
  }, { expectedErrors: [/status of 422/] }));

test(`the rules send neglected customers back, keep a hot one with a task, and the manager sees it (${BACKEND})`, () =>
  withPage(async (page) => {
    await enterAsStaff(page, url('/settings'), 'admin');
    await setRule(page, 'Read within hours counts as engaged', 0);
    const pools = await setRule(page, 'Back to the pool after days without a follow-up', 10);
    await pools.getByRole('button', { name: 'Run the rules now' }).click();
    const ran = page.getByRole('status').filter({ hasText: /sent back/ });
    await ran.waitFor();
    const [, recycled, held] = (await ran.innerText()).match(/(\d+) sent back, (\d+) kept/);
    assert.ok(Number(recycled) > 0 && Number(held) > 0, await ran.innerText());
    // Running again moves nobody.
    await pools.getByRole('button', { name: 'Run the rules now' }).click();
    await page.getByRole('status').filter({ hasText: '0 sent back, 0 kept' }).waitFor();

    // The rep has a task for the hot customer the rules kept.
    await switchTo(page, 'rep');
    await page.goto(url('/tasks'));
    await heading(page, 'Tasks');
    await page.getByRole('listitem').filter({ hasText: 'is due back to the pool but reading now: follow up' }).first().waitFor();

    // Their manager sees them among the team's customers due back, marked as reading.
    await switchTo(page, 'manager');
    await page.goto(url('/pool'));
    await heading(page, 'Public pool');
    const due = page.getByRole('region', { name: 'Going back to the pool soon' });
    await due.getByRole('listitem').filter({ hasText: 'Reading now, kept for now' }).first().waitFor();
    // And the pool holds those sent back, with who gave them up.
    const waiting = page.getByRole('region', { name: '公海 Public pool' });
    await waiting.getByText(/Given back by /).first().waitFor();
    // The team board counts them on their rep's row and lists them too.
    await page.goto(url('/team'));
    await heading(page, 'Team board');
    await page.getByRole('table', { name: "Each seller's load" }).getByText(/\d+ reading now/).first().waitFor();
    await page.getByRole('region', { name: 'Going back to the pool' })
      .getByRole('listitem').filter({ hasText: 'Reading now, kept for now' }).first().waitFor();
  }));
