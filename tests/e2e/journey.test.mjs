// One staff journey, run once per backend (LIANJIE_E2E_BACKEND=local|http): the same
// steps must work whether data lives in the browser or on the reference server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BACKEND, DEMO_LOGIN, browserSuite, enterAsStaff, heading, openPage, shareAsRep, switchTo, customerPageRuns
} from './support.mjs';

const suite = browserSuite();
const { url, withPage } = suite;

const enter = (page, path) => enterAsStaff(page, url(path));

/** The rep, from another device, shares the pricing article with contact k-000. */
function sharePricingToK000() {
  return shareAsRep(url(''), { target: { type: 'content', id: 'c-pricing' }, contact_id: 'k-000' });
}

/** A dashboard figure's number ("Views this week", …). */
function figureOf(page, label) {
  return page.getByRole('region', { name: 'Summary' }).getByText(label, { exact: true })
    .locator('xpath=following-sibling::dd[1]');
}

async function figure(page, label) {
  return Number(await figureOf(page, label).innerText());
}

/** How many contacts a link to the pricing article can be made for, in the content
 * library's link options: the customers the signed-in staff member sees. */
async function contactsToShareWith(page) {
  const item = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: '2026 企业 SCRM 报价方案' }) });
  await item.getByText('Link options').click();
  const options = item.getByRole('combobox', { name: 'For contact' }).locator('option');
  await options.nth(1).waitFor({ state: 'attached' });
  return (await options.count()) - 1; // less "Anyone"
}

/** The lead radar's lines (each names which visit it was), once they have loaded. */
async function radarLines(page) {
  const lines = page.getByRole('listitem').filter({ has: page.getByText(/^visit \d+$/) });
  await lines.first().waitFor();
  return lines;
}

test(`staff journey on the ${BACKEND} backend: dashboard, content, radar, settings`, () =>
  withPage(async (page) => {
    await enter(page, '/');
    await heading(page, 'Dashboard');
    // 王磊's week: readings of his own links only.
    const repViews = await figure(page, 'Views this week');
    assert.ok(repViews > 0, `${repViews} views this week`);

    const nav = page.getByRole('navigation', { name: 'Main navigation' });
    await nav.getByRole('link', { name: 'Content library' }).click();
    await page.getByRole('heading', { name: '2026 企业 SCRM 报价方案' }).waitFor();
    // His own customers (私海): every third of the 50 seeded, and the two people the
    // demo's story brought in on his links.
    assert.equal(await contactsToShareWith(page), 19);
    await nav.getByRole('link', { name: 'Lead radar' }).click();
    await heading(page, 'Lead radar');
    await page.getByRole('button', { name: 'Play a customer' }).waitFor();
    const lines = await radarLines(page);
    const repLines = await lines.count();
    // Each line says who, when, which visit, how long and how far, and how warm.
    const newest = await lines.first().innerText();
    assert.match(newest, /ago/);
    assert.match(newest, /Read time (\d+[hms] ?)+ · Scrolled \d+%/);
    assert.match(newest, /visit \d+/);
    await lines.getByRole('meter', { name: /^intent \d+$/ }).first().waitFor();
    await nav.getByRole('link', { name: 'Settings' }).click();
    await page.getByText(BACKEND, { exact: true }).waitFor();
    // Only an admin resets the demo; the admin sees every customer and every reading.
    await page.getByText('Only an administrator can reset the demo data.').waitFor();
    await switchTo(page, 'admin');
    await page.goto(url('/'));
    await heading(page, 'Dashboard');
    assert.ok((await figure(page, 'Views this week')) > repViews);
    await page.goto(url('/content'));
    await page.getByRole('heading', { name: '2026 企业 SCRM 报价方案' }).waitFor();
    assert.equal(await contactsToShareWith(page), 66);
    await page.goto(url('/radar'));
    await heading(page, 'Lead radar');
    assert.ok((await (await radarLines(page)).count()) > repLines);
    await page.goto(url('/settings'));
    await page.getByRole('button', { name: 'Reset demo data' }).click();
    await page.getByRole('status').filter({ hasText: 'Demo data restored.' }).waitFor();
  }));

test('a wrong password is refused with a clear message', { skip: BACKEND !== 'http' }, () =>
  withPage(async (page) => {
    await page.goto(url('/'));
    await page.getByLabel('Email').fill(DEMO_LOGIN.email);
    await page.getByLabel('Password').fill('wrong password');
    await page.getByRole('button', { name: 'Sign in now' }).click();
    await page.getByRole('alert').filter({ hasText: 'Wrong email or password.' }).waitFor();
  }, { expectedErrors: [/status of 401/] }));

test('a reading on another device shows up live on the rep\'s dashboard', { skip: BACKEND !== 'http' }, () =>
  withPage(async (page) => {
    await enter(page, '/');
    await heading(page, 'Dashboard');
    const views = await figure(page, 'Views this week');

    // The rep's phone mints a share; the customer's browser reads it for 40 s.
    const api = url('/api/v1');
    const { context: phone, page: customer } = await openPage(suite.browser());
    try {
      const share = await sharePricingToK000();
      await customer.goto(url('/settings'));
      const status = await customer.evaluate(async ([api, tok]) => {
        // Opening the link issues the view session the snapshot must name.
        const opened = await (await fetch(`${api}/public/shares/${tok}`)).json();
        const snap = { session_id: opened.session_id, share_token: tok, reader_token: opened.child_token, seq: 1,
          totals: { visible_ms: 40000, max_scroll_pct: 70, video_ms: 0, sections: { price: 30000 }, actions: [] } };
        // Sent as the tracker's beacon is (a text body), but awaited: a beacon still
        // queued when the phone's window closes may never leave (a failure seen once
        // in a full run on a loaded machine).
        const sent = await fetch(`${api}/public/track`, { method: 'POST', body: JSON.stringify(snap), keepalive: true });
        return sent.status;
      }, [api, share.token]);
      assert.ok(status >= 200 && status < 300, `snapshot accepted (status ${status})`);
    } finally {
      await phone.close();
    }
    // Counted this week, and read just now by k-000 for the 40 s the beacon reported.
    await figureOf(page, 'Views this week').filter({ hasText: new RegExp(`^${views + 1}$`) })
      .waitFor({ timeout: 10_000 });
    const reading = page.getByRole('region', { name: 'Reading now' }).getByRole('listitem')
      .filter({ hasText: '《2026 企业 SCRM 报价方案》' })
      .filter({ has: page.getByText(/^\d+s ago · Read time 40s$/) });
    await reading.waitFor();
    assert.equal(await reading.count(), 1);
  }));

test('a customer opens a shared article on a phone and the link becomes their own', { skip: BACKEND !== 'http' }, () =>
  withPage(async (page) => {
    const share = await sharePricingToK000();
    await page.goto(url(`/s/${share.token}`));
    await heading(page, '2026 企业 SCRM 报价方案');
    await page.getByRole('heading', { name: '价格与优惠' }).waitFor();
    await page.getByText('上线三个月，销售跟进效率提升了 40%').waitFor();
    const rep = page.getByRole('complementary', { name: 'Shared by' });
    await rep.getByText('王磊').waitFor();
    assert.match(await rep.getByRole('link', { name: 'Message me' }).getAttribute('href'), /^\/chat\//);
    await customerPageRuns(page);
    // The address now carries this reader's own token, for the forward chain.
    const shown = new URL(page.url()).pathname.split('/')[2];
    assert.match(shown, /^[0-9a-f]{32}$/);
    assert.notEqual(shown, share.token);
  }, { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true }));
