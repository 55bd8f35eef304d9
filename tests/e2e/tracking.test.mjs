// The share loop, run once per backend: a rep shares an article, a customer reads it
// on a phone, and the rep's lead radar shows the reading as it happens.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BACKEND, OFFLINE_ERRORS, browserSuite, customerPhone, enterAsStaff, heading, unreachableAlert, customerPageRuns
} from './support.mjs';

const suite = browserSuite();
const { url, withPage } = suite;
/** Seconds in a radar figure such as "7s" or "1m 5s". */
function seconds(text) {
  const m = /(?:(\d+)m )?(\d+)s/.exec(text);
  assert.ok(m, `a duration in "${text}"`);
  return Number(m[1] ?? 0) * 60 + Number(m[2]);
}
const PRICING = '2026 企业 SCRM 报价方案';
/** A radar line's time when it was read under a minute ago ("12s ago"). */
const justNow = (page) => page.getByText(/^\d+s ago$/);

/** The pricing article's analytics: its summary figures and its time on 价格. */
async function pricingAnalytics(page) {
  await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Content library' }).click();
  await page.getByRole('link', { name: `Analytics: ${PRICING}` }).click();
  await heading(page, 'Content analytics');
  const summary = page.getByRole('region', { name: 'Summary' });
  const figure = async (label) => summary.getByText(label, { exact: true }).locator('xpath=following-sibling::dd[1]').innerText();
  const heat = page.getByRole('region', { name: 'Section heat' });
  await heat.getByRole('meter').first().waitFor();
  return {
    opens: Number(await figure('Opens')),
    readers: Number(await figure('Unique readers')),
    average: seconds(await figure('Average read')),
    sections: await heat.getByRole('meter').count(),
    price: Number(await heat.getByRole('meter', { name: '价格' }).first().getAttribute('value')),
  };
}

test(`a customer reads a shared article on a phone and the rep sees it live (${BACKEND})`, () =>
  withPage(async (page) => {
    await enterAsStaff(page, url('/content'));
    await heading(page, 'Content library');
    // The article has been read before (the demo's history): what this reading adds.
    const before = await pricingAnalytics(page);
    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Content library' }).click();
    await page.getByRole('button', { name: `Share: ${PRICING}` }).click();
    const link = page.getByRole('link', { name: /\/s\/[0-9a-f]{32}$/ });
    const href = await link.getAttribute('href');
    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Lead radar' }).click();
    await heading(page, 'Lead radar');
    // The radar shows the history; nothing of this article read under a minute ago.
    const line = page.getByRole('listitem').filter({ hasText: PRICING }).filter({ has: justNow(page) });
    await page.getByRole('listitem').filter({ has: page.getByText(/^visit \d+$/) }).first().waitFor();
    assert.equal(await line.count(), 0);

    const phone = await customerPhone(suite, page);
    const customer = phone.page;
    await customer.goto(href);
    await heading(customer, PRICING);
    // The heading may be the server's first paint; reading is timed once the app runs.
    await customerPageRuns(customer);
    const opened = Date.now();
    // Reading, scrolling down through the sections; the view counts from 2 s, so the
    // rep hears of it while the customer is still reading.
    for (let i = 0; i < 6; i++) {
      await customer.mouse.wheel(0, 300);
      await customer.waitForTimeout(1000);
    }
    await line.waitFor({ timeout: 10_000 });
    const openFor = (Date.now() - opened) / 1000;
    await customer.close();
    await phone.close();

    // The closed page's last snapshot arrives by beacon: the whole time it was open
    // and read (within a second), not just the first report.
    await line.getByText(/Read time ([6-9]|\d\d)s/).waitFor({ timeout: 15_000 });
    assert.equal(await line.count(), 1);
    // The newest reading is the radar's first line.
    assert.equal(await page.getByRole('listitem').filter({ has: page.getByText(/^visit \d+$/) }).first().innerText(), await line.innerText());
    const text = await line.innerText();
    const read = seconds(/Read time ([^·]+)/.exec(text)[1]);
    assert.ok(read >= 5 && read <= openFor + 1, `${read}s read in ${openFor}s open: ${text}`);
    const scrolled = Number(/Scrolled (\d+)%/.exec(text)[1]);
    assert.ok(scrolled > 20 && scrolled <= 100, text);
    assert.match(text, /Longest on \S+/);
    assert.match(text, /Anonymous/);
    assert.match(text, /visit 1\b/);

    // The article's analytics agree: one more open and reader, the average moved by
    // this reading, and more time on the sections that held attention.
    const after = await pricingAnalytics(page);
    assert.equal(after.opens, before.opens + 1);
    assert.equal(after.readers, before.readers + 1);
    // Averages are shown in whole seconds: the totals they stand for must overlap.
    const [n, low, high] = [before.opens, before.opens * before.average + read, before.opens * (before.average + 1) + read + 1];
    assert.ok((n + 1) * after.average < high && (n + 1) * (after.average + 1) > low,
      `average ${before.average}s over ${n}, then ${after.average}s with a ${read}s read`);
    assert.ok(after.sections >= 5);
    assert.ok(after.price - before.price > 1000, `${before.price} ms on 价格, then ${after.price}`);
    const spread = page.getByRole('region', { name: 'How it spread' });
    await spread.getByText('Link for anyone').first().waitFor();
    await spread.getByText('Anonymous reader').first().waitFor();
  }));

test(`a reader asked for their details before reading becomes a named lead (${BACKEND})`, () =>
  withPage(async (page) => {
    await enterAsStaff(page, url('/content'));
    await heading(page, 'Content library');
    const item = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: '2026 企业 SCRM 报价方案' }) });
    await item.getByText('Link options').click();
    await item.getByRole('combobox', { name: "Ask for the reader's details" }).selectOption({ label: 'Before reading' });
    await item.getByRole('button', { name: 'Share: 2026 企业 SCRM 报价方案' }).click();
    const href = await item.getByRole('link', { name: /\/s\/[0-9a-f]{32}$/ }).getAttribute('href');
    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Lead radar' }).click();

    const phone = await customerPhone(suite, page);
    const customer = phone.page;
    await customer.goto(href);
    await heading(customer, '2026 企业 SCRM 报价方案');
    const form = customer.getByRole('form', { name: 'Leave your details' });
    await form.waitFor();
    assert.equal(await customer.getByRole('heading', { name: '价格与优惠' }).count(), 0, 'content waits for the details');
    // Nothing filled in: told what is missing, next to the fields.
    await form.getByRole('button', { name: 'Send' }).click();
    await form.getByRole('alert').filter({ hasText: 'Leave at least one way to reach you' }).waitFor();
    assert.equal(await form.getByLabel('Name').getAttribute('aria-invalid'), 'true');
    await form.getByLabel('Name').fill('陈女士');
    await form.getByLabel('Phone').fill('12');
    await form.getByRole('button', { name: 'Send' }).click();
    await form.getByText('Not a phone number').waitFor();
    await form.getByLabel('Phone').fill('');
    await form.getByLabel('WeChat ID').fill('chen_w_2026');
    await form.getByRole('button', { name: 'Send' }).click();
    await customer.getByRole('status').filter({ hasText: 'Thank you!' }).waitFor();
    await customer.getByRole('heading', { name: '价格与优惠' }).waitFor();
    await customer.waitForTimeout(3000);

    // The rep sees the reader by name.
    await page.getByRole('listitem').filter({ hasText: '陈女士' }).waitFor({ timeout: 15_000 });
    // Coming back, the reader is not asked again; the third visit alerts the rep.
    for (let visit = 2; visit <= 3; visit++) {
      await customer.reload();
      await customer.getByRole('heading', { name: '价格与优惠' }).waitFor();
      assert.equal(await customer.getByRole('form', { name: 'Leave your details' }).count(), 0);
      await customer.waitForTimeout(2500);
    }
    await page.getByRole('status').filter({ hasText: '陈女士 is back: visit 3 to “2026 企业 SCRM 报价方案”' })
      .waitFor({ timeout: 15_000 });
    await phone.close();

    // Filters narrow the feed and are kept in the address.
    const line = page.getByRole('listitem').filter({ hasText: '陈女士' }).first();
    const intent = Number(/intent (\d+)/.exec(await line.innerText())[1]);
    await page.getByRole('button', { name: 'Hot leads only' }).click();
    await page.waitForURL(/hot=1/);
    assert.equal(await page.getByRole('listitem').filter({ hasText: '陈女士' }).count() > 0, intent >= 70);
    await page.getByRole('button', { name: 'Hot leads only' }).click();
    await page.getByRole('button', { name: 'Mine only' }).click();
    await page.getByRole('combobox', { name: 'Content library' }).selectOption({ label: '2026 企业 SCRM 报价方案' });
    await page.waitForURL(/content=c-pricing/);
    await line.waitFor();

    // The profile: who they are, what they care about, every touchpoint.
    await line.getByRole('link', { name: '陈女士' }).click();
    await heading(page, 'Customer profile');
    await page.getByRole('heading', { name: '陈女士' }).waitFor();
    assert.ok(Number(await page.getByRole('meter', { name: 'Intent score' }).getAttribute('value')) > 0);
    await page.getByRole('region', { name: 'Interests' }).getByRole('meter', { name: '价格' }).waitFor();
    const trend = page.getByRole('list', { name: 'Intent trend' });
    assert.equal(await trend.getByRole('listitem').count(), 6);
    assert.match(await trend.getByRole('listitem').first().innerText(), /30 days ago\s*0/);
    const timeline = page.getByRole('region', { name: 'Touchpoint timeline' });
    assert.equal(await timeline.getByText('Read “2026 企业 SCRM 报价方案”').count(), 3);
  }));

test(`details matching a customer are offered to the rep as probably the same person, never written into them (${BACKEND})`, () =>
  withPage(async (page) => {
    await enterAsStaff(page, url('/content'));
    await heading(page, 'Content library');
    const item = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: '2026 企业 SCRM 报价方案' }) });
    await item.getByText('Link options').click();
    await item.getByRole('combobox', { name: "Ask for the reader's details" }).selectOption({ label: 'Before reading' });
    await item.getByRole('button', { name: 'Share: 2026 企业 SCRM 报价方案' }).click();
    const href = await item.getByRole('link', { name: /\/s\/[0-9a-f]{32}$/ }).getAttribute('href');
    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Lead radar' }).click();

    // Two readers, each on their own phone, leave the same WeChat ID.
    const wechat = `su_qing_${Date.now()}`;
    const leaveDetails = async (name) => {
      const phone = await customerPhone(suite, page);
      const customer = phone.page;
      // Another phone: none of the links or details this browser was given before
      // (the in-browser backend's customer pages share the staff page's storage).
      await customer.addInitScript(() => {
        localStorage.removeItem('lianjie.reader.links');
        localStorage.removeItem('lianjie.reader.leads');
      });
      await customer.goto(href);
      const form = customer.getByRole('form', { name: 'Leave your details' });
      await form.waitFor();
      await form.getByLabel('Name').fill(name);
      await form.getByLabel('WeChat ID').fill(wechat);
      await form.getByRole('button', { name: 'Send' }).click();
      await customer.getByRole('heading', { name: '价格与优惠' }).waitFor();
      await customer.waitForTimeout(3000);
      await customer.close();
      await phone.close();
    };
    await leaveDetails('苏晴');
    await page.getByRole('listitem').filter({ hasText: '苏晴' }).first().waitFor({ timeout: 15_000 });
    await leaveDetails('顾远');
    // The rep is told on the radar line; the profile offers the merge.
    const line = page.getByRole('listitem').filter({ hasText: '顾远' })
      .filter({ hasText: 'Probably the same person as 苏晴' }).first();
    await line.waitFor({ timeout: 15_000 });
    await line.getByRole('link', { name: '顾远' }).click();
    await heading(page, 'Customer profile');
    await page.getByRole('heading', { name: '顾远', exact: true }).waitFor();
    const offer = page.getByRole('region', { name: 'Probably the same person as 苏晴' });
    await offer.getByRole('button', { name: 'Merge', exact: true }).click();
    // One tap merges into the customer, with Undo in the toast.
    const toast = page.getByRole('status').filter({ hasText: 'Merged 顾远 into 苏晴.' });
    await toast.waitFor();
    await page.getByRole('heading', { name: '苏晴', exact: true }).waitFor();
    await toast.getByRole('button', { name: 'Undo' }).click();
    await page.getByRole('status').filter({ hasText: 'Merge undone.' }).waitFor();
    await page.getByRole('heading', { name: '顾远', exact: true }).waitFor();
    // Undone, the offer is back; "Not the same person" puts it away.
    await offer.getByRole('button', { name: 'Not the same person' }).click();
    await page.getByRole('status').filter({ hasText: 'Noted: not the same person.' }).waitFor();
    await offer.waitFor({ state: 'detached' });
  }));

test(`a reader messages the rep from a shared article; a failed send is retried once (${BACKEND})`, () =>
  withPage(async (page) => {
    await enterAsStaff(page, url('/'));
    await heading(page, 'Dashboard');
    const open = page.getByRole('region', { name: 'Summary' }).getByText('Unread conversations', { exact: true })
      .locator('xpath=following-sibling::dd[1]');
    const before = Number(await open.innerText());
    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Content library' }).click();
    await page.getByRole('button', { name: 'Share: 2026 企业 SCRM 报价方案' }).click();
    const href = await page.getByRole('link', { name: /\/s\/[0-9a-f]{32}$/ }).getAttribute('href');
    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Dashboard' }).click();
    await heading(page, 'Dashboard');

    const phone = await customerPhone(suite, page);
    const customer = phone.page;
    await customer.goto(href);
    await customer.getByRole('complementary', { name: 'Shared by' }).getByRole('link', { name: 'Message me' }).click();
    await heading(customer, 'Chat with us');
    await customer.getByRole('button', { name: 'Send message' }).click();
    await customer.getByRole('alert').filter({ hasText: 'Required' }).waitFor();
    await customer.getByLabel('Your name (optional)').fill('刘先生');
    await customer.getByLabel('Message', { exact: true }).fill('标准版可以先试用吗？');
    await customer.getByRole('button', { name: 'Send message' }).click();
    const mine = customer.getByRole('region', { name: 'Your messages' });
    await mine.getByText('Delivered').waitFor();
    await open.filter({ hasText: new RegExp(`^${before + 1}$`) }).waitFor({ timeout: 10_000 });

    if (BACKEND === 'http') {
      // Offline: the message waits, marked as not sent, and goes once on retry.
      await customer.context().setOffline(true);
      await customer.getByLabel('Message', { exact: true }).fill('方便的话请电话联系我');
      await customer.getByRole('button', { name: 'Send message' }).click();
      await mine.getByText('Not sent').waitFor({ timeout: 10_000 });
      // Asking for replies fails too: the chat says so and keeps what it showed.
      const unreachable = unreachableAlert(customer);
      await unreachable.waitFor();
      assert.ok(await mine.getByText('标准版可以先试用吗？').isVisible());
      await customer.context().setOffline(false);
      await mine.getByRole('button', { name: 'Retry' }).click();
      await mine.getByText('Delivered').nth(1).waitFor();
      assert.equal(await mine.getByRole('listitem').count(), 2);
      await unreachable.waitFor({ state: 'detached' });
    }
    // The customer's messages are still there after a reload.
    await customer.reload();
    await mine.getByText('标准版可以先试用吗？').waitFor();
    await phone.close();
  }, { expectedErrors: OFFLINE_ERRORS }));
