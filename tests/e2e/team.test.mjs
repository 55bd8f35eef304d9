// Who may see and do what, as each role meets it, on both backends: a rep keeps to
// their own customers and card, a manager sees their team's and not the other
// department's, an agent has the inbox without the radar, and an admin adds a rep,
// who signs in, then deactivates them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BACKEND, STAFF, browserSuite, customerPhone, enterAsStaff, heading, openPage, switchTo,
} from './support.mjs';

const suite = browserSuite();
const { url, withPage } = suite;
const nav = (page) => page.getByRole('navigation', { name: 'Main navigation' });
const NOT_FOUND = 'This link was not found; it may have expired.';
/** The browser logs the 404 of a record outside the caller's scope (and a refused 403). */
const OUT_OF_SCOPE = { expectedErrors: [/status of 40[34]/] };
/** The lead radar's lines (each names which visit it was), once they have loaded. */
async function radarLines(page) {
  const lines = page.getByRole('listitem').filter({ has: page.getByText(/^visit \d+$/) });
  await lines.first().waitFor({ timeout: 15_000 });
  return lines;
}

test(`a rep sees their own customers and card, not another rep's (${BACKEND})`, () =>
  withPage(async (page) => {
    await enterAsStaff(page, url('/contacts/k-000'), 'rep');
    // 王磊's own customer opens; Emily's (South China) is not found, as if absent.
    await page.getByRole('heading', { level: 1 }).waitFor();
    assert.notEqual(await page.getByRole('heading', { level: 1 }).innerText(), 'Page not found');
    await page.goto(url('/contacts/k-002'));
    await page.getByText(NOT_FOUND).first().waitFor();
    await page.goto(url('/card'));
    await heading(page, 'My card');
    await page.getByRole('complementary', { name: 'Phone preview' }).getByRole('heading', { name: '王磊' }).waitFor();
    await nav(page).getByRole('link', { name: 'Lead radar' }).waitFor();
    assert.equal(await nav(page).getByRole('link', { name: 'Team', exact: true }).count(), 0, 'no team settings');
    if (BACKEND === 'http') {
      // Nothing in the contract lets him change a colleague's card either.
      const status = await page.evaluate(async () => {
        const authorization = `Bearer ${localStorage.getItem('lianjie.http.token')}`;
        const card = await (await fetch('/api/v1/cards/emily-chen', { headers: { authorization } })).json();
        const res = await fetch('/api/v1/cards/emily-chen', {
          method: 'PUT',
          headers: { authorization, 'content-type': 'application/json' },
          body: JSON.stringify({ ...card, name: '王磊' }),
        });
        return res.status;
      });
      assert.equal(status, 403);
    }
  }, OUT_OF_SCOPE));

test(`a manager sees their team's readings and customers, not the other department's (${BACKEND})`, () =>
  withPage(async (page) => {
    // 王磊 shares an article and a customer reads it.
    await enterAsStaff(page, url('/content'), 'rep');
    await heading(page, 'Content library');
    await page.getByRole('button', { name: 'Share: 2026 企业 SCRM 报价方案' }).click();
    const href = await page.getByRole('link', { name: /\/s\/[0-9a-f]{32}$/ }).getAttribute('href');
    await nav(page).getByRole('link', { name: 'Lead radar' }).click();
    await heading(page, 'Lead radar');
    // The readings of the demo's history are older: this one was read under a minute ago.
    const line = page.getByRole('listitem').filter({ hasText: '2026 企业 SCRM 报价方案' })
      .filter({ has: page.getByText(/^\d+s ago$/) });
    await radarLines(page);
    assert.equal(await line.count(), 0);
    const phone = await customerPhone(suite, page);
    await phone.page.goto(href);
    await heading(phone.page, '2026 企业 SCRM 报价方案');
    await line.waitFor({ timeout: 15_000 });
    await phone.page.close();
    await phone.close();

    // His manager (East China) sees the reading and his customer ...
    await switchTo(page, 'manager');
    await page.goto(url('/radar'));
    await heading(page, 'Lead radar');
    await line.waitFor({ timeout: 15_000 });
    await page.goto(url('/contacts/k-001'));
    await page.getByRole('heading', { level: 1 }).waitFor();
    assert.equal(await page.getByText(NOT_FOUND).count(), 0, "李娜's customer: Shanghai is in East China");
    // ... but not South China's customer.
    await page.goto(url('/contacts/k-002'));
    await page.getByText(NOT_FOUND).first().waitFor();

    // South China's manager sees their own team's readings, but neither this one
    // (nothing of the article read in the last few minutes) nor East China's customers.
    await switchTo(page, 'southManager');
    await page.goto(url('/radar'));
    await heading(page, 'Lead radar');
    await radarLines(page);
    const recent = page.getByRole('listitem').filter({ hasText: '2026 企业 SCRM 报价方案' })
      .filter({ has: page.getByText(/^(\d+s|[0-4]m \d+s) ago$/) });
    assert.equal(await recent.count(), 0);
    assert.equal(await page.getByRole('listitem').filter({ hasText: '王磊' }).count(), 0, "no reading of 王磊's card");
    await page.goto(url('/contacts/k-000'));
    await page.getByText(NOT_FOUND).first().waitFor();
  }, OUT_OF_SCOPE));

test(`an agent has the inbox but no radar (${BACKEND})`, () =>
  withPage(async (page) => {
    await enterAsStaff(page, url('/inbox'), 'agent');
    await heading(page, 'Inbox');
    assert.equal(await nav(page).getByRole('link', { name: 'Lead radar' }).count(), 0);
    assert.equal(await nav(page).getByRole('link', { name: 'My card' }).count(), 0);
    await page.goto(url('/radar'));
    await heading(page, 'Not available to your role');
    await page.getByText("Your role (Support agent) can't open this page.").waitFor();
    await page.getByRole('link', { name: 'Back to dashboard' }).click();
    await heading(page, 'Dashboard');
    // On the server, the page's head asks for the radar's reads before anyone knows
    // the role: refused once, never shown.
  }, { expectedErrors: BACKEND === 'http' ? [/status of 403/] : [] }));

test(`an admin adds a rep who signs in, then deactivates them (${BACKEND})`, () =>
  withPage(async (page) => {
    await enterAsStaff(page, url('/settings/team'), 'admin');
    await heading(page, 'Team');
    const add = page.getByRole('region', { name: 'Add staff' });
    await add.getByLabel('Full name').fill('测试员 Tester');
    await add.getByLabel('Email').fill('tester@lianjie.example');
    await add.getByRole('combobox', { name: /^Role/ }).selectOption('rep');
    await add.getByRole('combobox', { name: /^Department/ }).selectOption('d-east');
    await add.getByRole('button', { name: 'Create staff' }).click();
    const row = page.getByRole('listitem', { name: '测试员 Tester' });
    await row.waitFor();

    let other;
    if (BACKEND === 'http') {
      // The initial password is shown once; the new rep signs in with it elsewhere.
      const shown = page.getByRole('region', { name: 'Initial password for 测试员 Tester' });
      const password = (await shown.getByRole('textbox').inputValue().catch(() => null))
        ?? (await shown.locator('code').innerText());
      other = await openPage(suite.browser());
      await other.page.goto(url('/'));
      await heading(other.page, 'Sign in');
      await other.page.getByLabel('Email').fill('tester@lianjie.example');
      await other.page.getByLabel('Password').fill(password.trim());
      await other.page.getByRole('button', { name: 'Sign in now' }).click();
      await heading(other.page, 'Dashboard');
      await nav(other.page).getByRole('link', { name: 'My card' }).waitFor();
    } else {
      // No passwords in the browser: the new rep is there to act as.
      const select = page.getByRole('combobox', { name: 'Signed in as' });
      await select.locator('option', { hasText: '测试员 Tester (Sales rep)' }).waitFor({ state: 'attached' });
    }

    await row.getByRole('button', { name: 'Deactivate' }).click();
    await row.getByRole('button', { name: 'Reactivate' }).waitFor();
    if (BACKEND === 'http') {
      // Their session stops working at once: the next thing they do asks them to sign in.
      await other.page.reload();
      await heading(other.page, 'Sign in');
      await other.context.close();
    } else {
      const select = page.getByRole('combobox', { name: 'Signed in as' });
      await page.waitForFunction(() => ![...document.querySelectorAll('select option')]
        .some((o) => o.textContent.includes('测试员 Tester (')));
      assert.ok(!(await select.innerText()).includes('测试员 Tester'));
    }
  }));

test('signing out while a read is on its way ends the session after it, and nothing is refused (http)', {
  skip: BACKEND !== 'http' && 'the in-browser backend has no sessions',
}, () => withPage(async (page) => {
  await enterAsStaff(page, url('/'), 'rep');
  await heading(page, 'Dashboard');
  const refused = [];
  page.on('response', (r) => { if (r.status() === 401) refused.push(r.url()); });
  // The customers' read is held in the browser for a while before it leaves, as on
  // a slow network.
  let readDone = 0;
  await page.route('**/api/v1/customers?**', async (route) => {
    await new Promise((resolve) => { setTimeout(resolve, 800); });
    await route.continue();
  });
  page.on('requestfinished', (r) => { if (/\/customers\?/.test(r.url())) readDone = Date.now(); });
  const leaving = page.waitForRequest(/\/api\/v1\/customers\?/);
  await nav(page).getByRole('link', { name: 'Customers' }).click();
  await leaving;
  const logout = page.waitForRequest(/\/auth\/logout/);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await logout;
  const loggedOutAt = Date.now();
  await heading(page, 'Sign in');
  assert.ok(readDone > 0 && readDone <= loggedOutAt, 'the read was answered before the session ended');
  assert.deepEqual(refused, []);
  // Signed out for good: the next visit asks to sign in.
  await page.reload();
  await heading(page, 'Sign in');
}));
