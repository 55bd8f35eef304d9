// Customer pages before their script runs (reference server only: the server writes
// the first paint). A phone with JavaScript off reads the card and a shared article
// and its links work; on a slow load, what is on screen works before any script does;
// the reader then tracks the card or the article, and sends the article's form for
// the reader's details, without moving the page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import {
  AXE_BLOCKING, BACKEND, DEMO_LOGIN, PHONE, axe, axeReport, browserSuite, customerPageRuns, shareAsRep,
} from './support.mjs';

const suite = browserSuite();
const { url, withPage } = suite;
const httpOnly = { skip: BACKEND !== 'http' };

/** A link to the pricing article for contact k-000, made by the rep over the API. */
function sharePricing(leadCapture = { mode: 'off' }) {
  return shareAsRep(url(''), { target: { type: 'content', id: 'c-pricing' }, contact_id: 'k-000', lead_capture: leadCapture });
}

const NO_SCRIPT = { ...PHONE, javaScriptEnabled: false, acceptDownloads: true };

test('with JavaScript off, the card reads, saves, calls, emails and opens its featured items', httpOnly, () =>
  withPage(async (page) => {
    await page.goto(url('/c/wang-lei'));
    await page.getByRole('heading', { level: 1, name: '王磊' }).waitFor();
    const actions = page.getByRole('navigation', { name: 'Get in touch' });
    const save = actions.getByRole('link', { name: 'Save contact' });
    assert.equal(await save.getAttribute('href'), '/api/v1/public/cards/wang-lei/vcard');
    assert.match(await actions.getByRole('link', { name: 'Call' }).getAttribute('href'), /^tel:\+?\d+$/);
    assert.match(await actions.getByRole('link', { name: 'Email me' }).getAttribute('href'), /^mailto:.+@/);
    await page.getByRole('heading', { name: 'About me' }).waitFor();

    // Saving is the server's vCard file.
    const [download] = await Promise.all([page.waitForEvent('download'), save.click()]);
    assert.equal(download.suggestedFilename(), '王磊.vcf');
    const vcard = await readFile(await download.path(), 'utf8');
    for (const field of ['BEGIN:VCARD', 'VERSION:3.0', 'FN;CHARSET=UTF-8:王磊', 'N;CHARSET=UTF-8:王;磊;;;', 'TEL;TYPE=CELL,VOICE:', 'EMAIL;TYPE=INTERNET:', 'END:VCARD']) {
      assert.ok(vcard.includes(field), `${field} in ${vcard}`);
    }

    // The WeChat ID is on the page, its action leads to it.
    await actions.getByRole('link', { name: 'Copy WeChat ID' }).click();
    assert.match(page.url(), /#card-wechat-id$/);

    // A featured item opens as a page of its own, every paragraph readable.
    const featured = page.getByRole('region', { name: 'Featured content' });
    await featured.getByRole('link', { name: /2026 企业 SCRM 报价方案/ }).click();
    await page.getByRole('heading', { level: 1, name: '2026 企业 SCRM 报价方案' }).waitFor();
    assert.ok((await page.locator('article.shared section.block').count()) > 2);
    await page.getByRole('complementary', { name: 'Shared by' }).getByRole('link', { name: 'Message me' }).waitFor();

    // The language switch is a link too.
    await page.goto(url('/c/wang-lei'));
    await page.getByRole('group', { name: 'Language' }).getByRole('link', { name: '中文' }).click();
    await page.getByRole('navigation', { name: '联系我' }).getByRole('link', { name: '保存到通讯录' }).waitFor();
  }, NO_SCRIPT));

test('with JavaScript off, a shared article reads up to its lead form, and its chat link is the share\'s', httpOnly, () =>
  withPage(async (page) => {
    const open = await sharePricing();
    await page.goto(url(`/s/${open.token}`));
    await page.getByRole('heading', { level: 1, name: '2026 企业 SCRM 报价方案' }).waitFor();
    const blocks = await page.locator('article.shared section.block').count();
    assert.ok(blocks > 2, `${blocks} blocks`);
    const rep = page.getByRole('complementary', { name: 'Shared by' });
    assert.equal(await rep.getByRole('link', { name: 'Message me' }).getAttribute('href'), `/chat/${open.token}`);

    // The soft ask at the end has no "Not now" without a script: there is nothing to
    // put away, and the page's form stays there to fill or leave.
    const soft = await sharePricing({ mode: 'soft_end' });
    await page.goto(url(`/s/${soft.token}`));
    const ask = page.getByRole('form', { name: 'Leave your details' });
    await ask.getByRole('button', { name: 'Send' }).waitFor();
    assert.equal(await ask.getByRole('button', { name: 'Not now' }).count(), 0);

    // What the reader's details unlock is not in the page until they leave them; the
    // form is, and without a script the server takes it.
    const gated = await sharePricing({ mode: 'after_section', index: 0 });
    await page.goto(url(`/s/${gated.token}`));
    await page.getByRole('heading', { level: 1, name: '2026 企业 SCRM 报价方案' }).waitFor();
    assert.equal(await page.locator('article.shared section.block').count(), 1);
    const form = page.getByRole('form', { name: 'Leave your details' });
    const send = form.getByRole('button', { name: 'Send' });
    await form.getByLabel('Name').fill('林先生');
    await form.getByLabel('Phone').fill('12');
    await send.click();
    // Refused: marked beside the field, what was typed still there.
    await form.getByText('Not a phone number').waitFor();
    assert.equal(await form.getByLabel('Phone').getAttribute('aria-invalid'), 'true');
    assert.equal(await form.getByLabel('Name').inputValue(), '林先生');
    assert.equal(await page.locator('article.shared section.block').count(), 1);
    await form.getByLabel('Phone').fill('13800138124');
    await send.click();
    // Kept: on their own link, the rest of the article and a thank-you.
    await page.getByRole('status').filter({ hasText: 'Thank you!' }).waitFor();
    await page.getByRole('heading', { name: '价格与优惠' }).waitFor();
    assert.equal(await form.count(), 0);
    const own = new URL(page.url()).pathname.split('/')[2];
    assert.match(own, /^[0-9a-f]{32}$/);
    assert.notEqual(own, gated.token);

    // The rep has the lead, named, on the reader's link.
    const lead = (await asRep('/contacts')).find((c) => c.lead_link === own);
    assert.equal(lead?.name, '林先生');
    assert.equal(lead?.phone, '13800138124');
    // The refusal is answered 422, which the browser logs.
  }, { ...NO_SCRIPT, expectedErrors: [/status of 422 \(Unprocessable Entity\)/] }));

/** What the rep's API answers for `path` (under /api/v1), signed in afresh. */
async function asRep(path) {
  const api = url('/api/v1');
  const { token } = await (await fetch(`${api}/auth/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(DEMO_LOGIN),
  })).json();
  return (await fetch(`${api}${path}`, { headers: { authorization: `Bearer ${token}` } })).json();
}

/** Holds every WebAssembly download back by `ms`: the page's script (the reader or the app) starts that much later. */
async function slowWasm(page, ms) {
  await page.route('**/*.wasm', async (route) => {
    await new Promise((r) => setTimeout(r, ms));
    await route.continue();
  });
}

/** Counts layout shifts from the page's start in `window.__shift`. */
async function watchShift(page) {
  await page.addInitScript(() => {
    window.__shift = 0;
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) if (!e.hadRecentInput) window.__shift += e.value;
    }).observe({ type: 'layout-shift', buffered: true });
  });
}

/** Boxes of `locators` (name -> locator), in page coordinates. */
async function boxes(locators) {
  const out = {};
  for (const [name, locator] of Object.entries(locators)) out[name] = await locator.boundingBox();
  return out;
}

function sameBoxes(before, after) {
  for (const [name, box] of Object.entries(before)) {
    for (const side of ['x', 'y', 'width', 'height']) {
      assert.ok(Math.abs(box[side] - after[name][side]) <= 1, `${name}.${side}: ${box[side]} → ${after[name][side]}`);
    }
  }
}

const tracked = (page) => page.waitForRequest((r) => r.url().endsWith('/api/v1/public/track') && r.method() === 'POST',
  { timeout: 30_000 });

test('on a slow load the card works before its script runs, which tracks the view without moving it', httpOnly, () =>
  withPage(async (page) => {
    await watchShift(page);
    await slowWasm(page, 3_000);
    const sent = tracked(page);
    await page.goto(url('/c/wang-lei'));
    const card = () => boxes({
      name: page.getByRole('heading', { level: 1, name: '王磊' }),
      save: page.getByRole('link', { name: 'Save contact' }),
      about: page.getByRole('heading', { name: 'About me' }),
      details: page.getByRole('heading', { name: 'Contact details' }),
    });
    await page.getByRole('heading', { level: 1, name: '王磊' }).waitFor();
    assert.equal(await page.locator('#first-paint:not([data-view])').count(), 1, 'no script has run yet');
    // A tap on "call" before any script runs is a plain tel: link: it works now.
    const call = page.getByRole('link', { name: 'Call' });
    assert.match(await call.getAttribute('href'), /^tel:/);
    const before = await card();

    // The card needs no app: the reader opens the view and leaves the page as it is.
    await page.locator('#first-paint[data-view="open"]').waitFor({ timeout: 30_000 });
    assert.match(new URL(page.url()).pathname, /^\/s\/[0-9a-f]{32}$/, "the reader's own link");
    assert.equal(await page.title(), '王磊');
    sameBoxes(before, await card());
    const shift = await page.evaluate(() => window.__shift);
    assert.ok(shift <= 0.05, `layout shift ${shift}`);
    await sent;
    // Nothing else was downloaded: the app's script and wasm are not the reader's.
    const scripts = await page.evaluate(() => performance.getEntriesByType('resource')
      .map((e) => new URL(e.name).pathname).filter((p) => /\.(js|wasm)$/.test(p)));
    assert.ok(scripts.length > 0 && scripts.every((p) => p.startsWith('/customer/reader/')), scripts.join(', '));
  }, PHONE));

test('on a slow load an article asking for details takes them once its script runs, and shows what they unlock, unmoved', httpOnly, () =>
  withPage(async (page) => {
    await watchShift(page);
    await slowWasm(page, 3_000);
    const open = await sharePricing({ mode: 'before' });
    const sent = tracked(page);
    await page.goto(url(`/s/${open.token}`));
    const title = page.getByRole('heading', { level: 1, name: '2026 企业 SCRM 报价方案' });
    const form = page.getByRole('form', { name: 'Leave your details' });
    const send = form.getByRole('button', { name: 'Send' });
    const article = () => boxes({ title, form, name: form.getByLabel('Name') });
    await title.waitFor();
    await form.waitFor();
    assert.equal(await page.locator('#first-paint:not([data-view])').count(), 1, 'no script has run yet');
    // What is typed before the script runs stays (a tap on Send then would post it to
    // the server, which takes it as it does without scripts).
    assert.equal(await send.isDisabled(), false);
    await form.getByLabel('Name').fill('林先生');
    const before = await article();

    // The reader runs: the same form, where it was, now sends.
    await page.locator('#first-paint[data-view="open"]').waitFor({ timeout: 30_000 });
    sameBoxes(before, await article());
    const shift = await page.evaluate(() => window.__shift);
    assert.ok(shift <= 0.05, `layout shift ${shift}`);
    await send.click();
    await form.getByRole('alert').filter({ hasText: 'Leave at least one way to reach you' }).waitFor();
    await form.getByLabel('Phone').fill('12');
    await send.click();
    await form.getByText('Not a phone number').waitFor();
    assert.equal(await form.getByLabel('Phone').getAttribute('aria-invalid'), 'true');
    await form.getByLabel('Phone').fill('13800138123');
    await send.click();
    await page.getByRole('status').filter({ hasText: 'Thank you!' }).waitFor();
    await page.getByRole('heading', { name: '价格与优惠' }).waitFor();
    assert.equal(await form.count(), 0);
    assert.equal(await title.count(), 1);
    await sent;
    const scripts = await page.evaluate(() => performance.getEntriesByType('resource')
      .map((e) => new URL(e.name).pathname).filter((p) => /\.(js|wasm)$/.test(p)));
    assert.ok(scripts.length > 0 && scripts.every((p) => p.startsWith('/customer/reader/')), scripts.join(', '));

    // Back on their own link, the page holds it all and asks nothing.
    await page.reload();
    await page.getByRole('heading', { name: '价格与优惠' }).waitFor();
    assert.equal(await form.count(), 0);
  }, PHONE));

test('details sent before the reader runs are posted to the server, and the reader then keeps that link as the reader\'s own', httpOnly, () =>
  withPage(async (page) => {
    await slowWasm(page, 3_000);
    const open = await sharePricing({ mode: 'before' });
    await page.goto(url(`/s/${open.token}`));
    const form = page.getByRole('form', { name: 'Leave your details' });
    await form.getByLabel('Name').fill('钱女士');
    await form.getByLabel('Phone').fill('13800138125');
    assert.equal(await page.locator('#first-paint:not([data-view])').count(), 1, 'no script has run yet');
    await form.getByRole('button', { name: 'Send' }).click();
    await page.getByRole('status').filter({ hasText: 'Thank you!' }).waitFor();
    await page.getByRole('heading', { name: '价格与优惠' }).waitFor();
    const own = new URL(page.url()).pathname;
    assert.match(own, /^\/s\/[0-9a-f]{32}$/);
    assert.notEqual(own, `/s/${open.token}`);
    assert.equal(new URL(page.url()).search, '?lead=sent');
    // The reader runs on that link: it is opened as this reader's (a forward would
    // put a link of its own in the address), the thanks is taken out of the address
    // (a forward would carry it), and the reading is tracked.
    const sent = tracked(page);
    await page.locator('#first-paint[data-view="open"]').waitFor({ timeout: 30_000 });
    assert.equal(new URL(page.url()).pathname, own);
    assert.equal(new URL(page.url()).search, '');
    await sent;
    const lead = (await asRep('/contacts')).find((c) => `/s/${c.lead_link}` === own);
    assert.equal(lead?.name, '钱女士');
  }, PHONE));

test('the soft ask at an article\'s end is put away with "Not now" once the reader runs', httpOnly, () =>
  withPage(async (page) => {
    const soft = await sharePricing({ mode: 'soft_end' });
    await page.goto(url(`/s/${soft.token}`));
    await page.locator('#first-paint[data-view="open"]').waitFor({ timeout: 30_000 });
    const form = page.getByRole('form', { name: 'Leave your details' });
    await form.getByRole('button', { name: 'Not now' }).click();
    await form.waitFor({ state: 'detached' });
    await page.getByRole('heading', { name: '价格与优惠' }).waitFor();
  }, PHONE));

test('"Message me" tapped before the app runs opens the chat once it does', httpOnly, () =>
  withPage(async (page) => {
    await slowWasm(page, 2_000);
    await page.goto(url('/c/wang-lei'));
    await page.getByRole('heading', { level: 1, name: '王磊' }).waitFor();
    await page.getByRole('navigation', { name: 'Get in touch' }).getByRole('link', { name: 'Message me' }).click();
    await page.getByRole('heading', { level: 1, name: 'Chat with us' }).waitFor({ timeout: 30_000 });
    assert.match(new URL(page.url()).pathname, /^\/chat\//);
    await page.getByRole('textbox', { name: 'Message' }).waitFor();
    // Going back returns to the card, not to the chat again.
    await page.goBack();
    await page.getByRole('heading', { level: 1, name: '王磊' }).waitFor({ timeout: 30_000 });
    assert.doesNotMatch(page.url(), /then=/);
  }, PHONE));

test('from a card the reader runs, the chat comes with the page\'s styles already at hand', httpOnly, () =>
  withPage(async (page) => {
    await page.goto(url('/c/wang-lei'));
    await page.locator('#first-paint[data-view="open"]').waitFor({ timeout: 30_000 });
    await page.getByRole('navigation', { name: 'Get in touch' }).getByRole('link', { name: 'Message me' }).click();
    await page.getByRole('textbox', { name: 'Message' }).waitFor({ timeout: 30_000 });
    // The chat is the app's page; its stylesheets are the files the card's page linked,
    // taken from the cache: none of them is downloaded again.
    const css = await page.evaluate(() => performance.getEntriesByType('resource')
      .filter((e) => new URL(e.name).pathname.endsWith('.css')).map((e) => `${new URL(e.name).pathname} ${e.transferSize}`));
    assert.ok(css.length > 0 && css.every((e) => e.endsWith(' 0')), css.join(', '));
  }, PHONE));

test('a featured item tapped before the app runs is opened, tracked, once it does', httpOnly, () =>
  withPage(async (page) => {
    await slowWasm(page, 2_000);
    await page.goto(url('/c/wang-lei'));
    await page.getByRole('heading', { level: 1, name: '王磊' }).waitFor();
    const opened = page.waitForRequest((r) => /\/api\/v1\/public\/shares\/[^/]+\/featured\//.test(r.url()),
      { timeout: 30_000 });
    await page.getByRole('region', { name: 'Featured content' }).getByRole('link', { name: /2026 企业 SCRM 报价方案/ }).click();
    // The first paint shows the article straight away; it is then opened as a link
    // of this reader's and shown at its own address (by the app if the tap came
    // before any script ran, else by the reader).
    await page.getByRole('heading', { level: 1, name: '2026 企业 SCRM 报价方案' }).waitFor();
    await opened;
    await page.waitForURL(/\/s\/[^/?]+$/, { timeout: 30_000 });
    await customerPageRuns(page);
    await page.getByRole('heading', { level: 1, name: '2026 企业 SCRM 报价方案' }).waitFor();
  }, PHONE));

test('a language link on a page the reader runs switches it in place: no second visit, the form still sends', httpOnly, () =>
  withPage(async (page) => {
    const opens = [];
    page.on('request', (r) => {
      if (r.method() === 'GET' && /\/api\/v1\/public\/(cards|shares)\/[^/?]+(\?|$)/.test(r.url())) opens.push(r.url());
    });
    const language = page.getByRole('group', { name: '语言' });
    await page.goto(url('/c/wang-lei'));
    await page.locator('#first-paint[data-view="open"]').waitFor({ timeout: 30_000 });
    const own = new URL(page.url()).pathname;
    await language.getByRole('link', { name: 'English' }).click();
    await page.getByRole('navigation', { name: 'Get in touch' }).getByRole('link', { name: 'Save contact' }).waitFor();
    assert.equal(await page.locator('html').getAttribute('lang'), 'en');
    assert.equal(new URL(page.url()).pathname + new URL(page.url()).search, `${own}?lang=en`);
    assert.equal(await page.title(), '王磊');
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'English');
    // Still the same view: the WeChat ID copies and says so in English.
    await page.getByRole('navigation', { name: 'Get in touch' }).getByRole('link', { name: 'Copy WeChat ID' }).click();
    await page.locator('.card-status').filter({ hasText: /WeChat ID/ }).waitFor();
    assert.equal(opens.length, 1, opens.join('\n'));

    // An article's form in the other language is the one that sends.
    const asking = await sharePricing({ mode: 'soft_end' });
    await page.goto(url(`/s/${asking.token}`));
    await page.locator('#first-paint[data-view="open"]').waitFor({ timeout: 30_000 });
    await language.getByRole('link', { name: 'English' }).click();
    const form = page.getByRole('form', { name: 'Leave your details' });
    await form.getByLabel('Name').fill('Ms Lin');
    await form.getByLabel('WeChat ID').fill('lin_2026');
    await form.getByRole('button', { name: 'Send' }).click();
    await page.getByRole('status').filter({ hasText: 'Thank you!' }).waitFor();
    assert.equal(opens.length, 2, opens.join('\n'));
  }, { ...PHONE, locale: 'zh-CN' }));

/** The pricing article's analytics as the rep's API answers them: opens, and the
 * time on each section by block id. */
async function pricingHeat() {
  const a = await asRep('/contents/c-pricing/analytics');
  return { opens: a.stats.opens, dwell: Object.fromEntries(a.sections.map((s) => [s.block_id, s.dwell_ms])) };
}

test('an article read on after a language switch is one view, its sections timed in the new language', httpOnly, () =>
  withPage(async (page) => {
    const before = await pricingHeat();
    const open = await sharePricing();
    await page.goto(url(`/s/${open.token}`));
    await page.locator('#first-paint[data-view="open"]').waitFor({ timeout: 30_000 });
    // Switched at once, at the top of the page: the sections at its end are read only
    // in the page the switch put in place.
    const service = page.locator('[data-block="service"]');
    assert.ok(await service.evaluate((e) => e.getBoundingClientRect().top >= innerHeight), 'the end is below the fold');
    await page.getByRole('group', { name: '语言' }).getByRole('link', { name: 'English' }).click();
    await page.getByRole('group', { name: 'Language' }).waitFor();
    await service.scrollIntoViewIfNeeded();
    await page.waitForTimeout(4_000);
    // Leaving sends the last snapshot.
    await page.goto('about:blank');
    let after = await pricingHeat();
    for (const until = Date.now() + 10_000; after.dwell.service - before.dwell.service < 2_000 && Date.now() < until;) {
      await new Promise((r) => setTimeout(r, 250));
      after = await pricingHeat();
    }
    assert.ok(after.dwell.service - before.dwell.service >= 2_000, `service ${before.dwell.service} -> ${after.dwell.service} ms`);
    assert.ok(after.dwell.service - before.dwell.service <= 6_000, `service ${before.dwell.service} -> ${after.dwell.service} ms`);
    assert.equal(after.opens, before.opens + 1);
    // A small phone, with the chat app's bars: the article's end is below the fold.
  }, { ...PHONE, viewport: { width: 360, height: 560 }, locale: 'zh-CN' }));

test('the first paint of the card and of an article has no serious or critical axe violations', httpOnly, () =>
  withPage(async (page) => {
    // The app never runs: what is checked is the server's page alone.
    await page.route('**/*.wasm', (route) => route.abort());
    const open = await sharePricing();
    const asking = await sharePricing({ mode: 'soft_end' });
    for (const path of ['/c/wang-lei', `/s/${open.token}`, `/s/${asking.token}`, '/c/wang-lei?lang=en', `/s/${asking.token}?lang=en`]) {
      await page.goto(url(path));
      await page.getByRole('heading', { level: 1 }).waitFor();
      assert.equal(await page.locator('#first-paint').count(), 1);
      const blocking = (await axe(page)).filter((v) => AXE_BLOCKING.has(v.impact));
      assert.equal(blocking.length, 0, `${path}:\n${axeReport(blocking)}`);
    }
  }, { ...PHONE, locale: 'zh-CN', bypassCSP: true, expectedErrors: [/wasm|WebAssembly|net::|Failed to fetch/i] }));
