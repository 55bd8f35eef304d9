// The in-browser backend as staff meet it: demo data on first start, kept across
// reloads, and the reset in settings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { browserSuite, enterAsStaff, heading } from './support.mjs';

const { url, withPage } = browserSuite();

/** The number shown for one of the dashboard's figures ("Views this week", …). */
async function figure(page, label) {
  const term = page.getByRole('region', { name: 'Summary' }).getByText(label, { exact: true });
  await term.waitFor();
  return Number(await term.locator('xpath=following-sibling::dd[1]').innerText());
}

/** Every figure on the dashboard, by label. */
async function figures(page) {
  const out = {};
  for (const label of ['Views this week', 'Readers this week', 'New leads this week', 'Unread conversations']) {
    out[label] = await figure(page, label);
  }
  return out;
}

const PRICING = '2026 企业 SCRM 报价方案';

/** How many contacts a link to the pricing article can be made for, in the content
 * library's link options (the caller's customers: all of them for the admin). */
async function contactsToShareWith(page) {
  const item = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: PRICING }) });
  await item.getByText('Link options').click();
  const options = item.getByRole('combobox', { name: 'For contact' }).locator('option');
  await options.nth(1).waitFor({ state: 'attached' });
  return (await options.count()) - 1; // less "Anyone"
}

/** The seed's contacts (demo::CONTACTS): the 50 customers, the 8 waiting in the public
 * pool and the 8 people its story brings in (readers who left their details, web-chat
 * visitors). */
const SEEDED_CONTACTS = 66;

test('first start seeds demo data that the dashboard and content library show', () =>
  withPage(async (page) => {
    // The admin's dashboard counts every team's readings: thirty days of history, so
    // this week has views and readers, each told against last week's.
    await enterAsStaff(page, url('/'), 'admin');
    await heading(page, 'Dashboard');
    const views = await figure(page, 'Views this week');
    const readers = await figure(page, 'Readers this week');
    assert.ok(views > 0 && readers > 0 && readers <= views, `${readers} readers of ${views} views`);
    const summary = page.getByRole('region', { name: 'Summary' });
    for (const label of ['Views this week', 'Readers this week', 'New leads this week']) {
      const change = summary.getByText(label, { exact: true }).locator('xpath=following-sibling::dd[2]');
      assert.match(await change.innerText(), /vs last week|none last week|same as last week/, label);
    }
    assert.ok((await figure(page, 'Unread conversations')) > 0);
    // The story's hot leads are reading within the last half hour.
    const now = page.getByRole('region', { name: 'Reading now' });
    await now.getByRole('listitem').first().waitFor();
    assert.match(await now.getByRole('listitem').first().innerText(), /ago\s*· Read time \d/);

    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Content library' }).click();
    await heading(page, 'Content library');
    await page.getByRole('heading', { name: PRICING }).waitFor();
    const items = page.getByRole('listitem').filter({ has: page.getByRole('heading', { level: 2 }) });
    assert.ok((await items.count()) >= 10, 'content items');
    for (const kind of ['Article', 'Poster', 'Video', 'Document']) {
      assert.ok((await page.getByText(kind, { exact: true }).count()) > 0, kind);
    }
    // Each card says how its links have done: the pricing article has been read.
    const pricing = items.filter({ has: page.getByRole('heading', { name: PRICING }) });
    const opens = Number(/(\d+) opens?/.exec(await pricing.innerText())?.[1]);
    assert.ok(opens > 0, `${opens} opens`);
    // Links can be made for every customer the admin sees.
    assert.equal(await contactsToShareWith(page), SEEDED_CONTACTS);
  }));

test('the lead radar explains itself while nothing has been read', () =>
  withPage(async (page) => {
    // The demo's reps all have readings; a rep the admin has just added has none.
    await enterAsStaff(page, url('/settings/team'), 'admin');
    await heading(page, 'Team');
    const add = page.getByRole('region', { name: 'Add staff' });
    await add.getByLabel('Full name').fill('新人 Newcomer');
    await add.getByLabel('Email').fill('newcomer@lianjie.example');
    await add.getByRole('combobox', { name: /^Role/ }).selectOption('rep');
    await add.getByRole('combobox', { name: /^Department/ }).selectOption('d-east');
    await add.getByRole('button', { name: 'Create staff' }).click();
    await page.getByRole('listitem', { name: '新人 Newcomer' }).waitFor();
    const select = page.getByRole('combobox', { name: 'Signed in as' });
    const option = select.locator('option', { hasText: '新人 Newcomer (Sales rep)' });
    await option.waitFor({ state: 'attached' });
    const id = await option.getAttribute('value');
    await Promise.all([page.waitForEvent('load'), select.selectOption(id)]);
    await page.waitForFunction((me) => document.querySelector('#signed-in-as option:checked')?.value === me, id);

    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Lead radar' }).click();
    await heading(page, 'Lead radar');
    await page.getByText('No views yet. Share a card or a piece of content; when a customer opens it, it shows up here live.').waitFor();
    assert.equal(await page.getByText(/^visit \d+$/).count(), 0, 'no radar lines');
    // With a filter on, the empty radar says the filters hide it, and undoes them.
    await page.getByRole('button', { name: 'Hot leads only' }).click();
    await page.getByText('No readings match these filters.').waitFor();
    await page.getByRole('button', { name: 'Show everything' }).click();
    await page.getByText(/^No views yet\./).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Hot leads only' }).getAttribute('aria-pressed'), 'false');
    // The dashboard says the same: nothing this week, nobody reading, and where to start.
    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Dashboard' }).click();
    await heading(page, 'Dashboard');
    assert.equal(await figure(page, 'Views this week'), 0);
    const now = page.getByRole('region', { name: 'Reading now' });
    await now.getByText('Nobody has read your links in the last half hour.').waitFor();
    await now.getByRole('link', { name: 'Share something' }).waitFor();
  }));

test('reset demo data in settings reports success and keeps the app working', () =>
  withPage(async (page) => {
    await enterAsStaff(page, url('/settings'), 'admin');
    await heading(page, 'Settings');
    await page.getByText('local', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Reset demo data' }).click();
    await page.getByRole('status').filter({ hasText: 'Demo data restored.' }).waitFor();
    await page.reload();
    await heading(page, 'Settings');
  }));

test('data the browser cannot read is kept aside and the user is told', () =>
  withPage(async (page) => {
    // Wait until the first start has written its demo data (the figures come from it):
    // that write empties the stores first and would take the damaged record with it.
    await enterAsStaff(page, url('/'), 'admin');
    const seeded = await figures(page);
    // A damaged record, as a crash or a hand edit might leave one.
    await page.evaluate(() => new Promise((resolve, reject) => {
      const open = indexedDB.open('lianjie');
      open.onsuccess = () => {
        const tx = open.result.transaction('contacts', 'readwrite');
        tx.objectStore('contacts').put('{"schema":1,"db":', 'k-bad');
        tx.oncomplete = () => { open.result.close(); resolve(); };
        tx.onerror = () => reject(tx.error);
      };
      open.onerror = () => reject(open.error);
    }));
    await page.goto(url('/'));
    await page.getByRole('alert').filter({ hasText: 'Some local data could not be read' }).waitFor();
    const kept = await page.evaluate(() => new Promise((resolve, reject) => {
      const open = indexedDB.open('lianjie');
      open.onsuccess = () => {
        const get = open.result.transaction('unreadable').objectStore('unreadable').get('contacts/k-bad');
        get.onsuccess = () => { open.result.close(); resolve(get.result); };
        get.onerror = () => reject(get.error);
      };
    }));
    assert.equal(kept, '{"schema":1,"db":');
    // Everything else reads as before: the same figures, and every seeded contact.
    assert.deepEqual(await figures(page), seeded);
    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Content library' }).click();
    await heading(page, 'Content library');
    assert.equal(await contactsToShareWith(page), SEEDED_CONTACTS);
  }));

test('a rep shares an article and a customer in another tab reads it', () =>
  withPage(async (page) => {
    await page.goto(url('/content'));
    await heading(page, 'Content library');
    await page.getByRole('button', { name: 'Share: 2026 企业 SCRM 报价方案' }).click();
    const link = page.getByRole('link', { name: /\/s\/[0-9a-f]{32}$/ });
    await link.waitFor();
    const href = await link.getAttribute('href');
    await page.getByRole('button', { name: 'Copy link' }).click();
    await page.getByRole('status').filter({ hasText: 'Link copied.' }).waitFor();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), href);
    // A QR code to scan from a phone, and how the link will look in a chat.
    await page.getByRole('img', { name: 'QR code to open “2026 企业 SCRM 报价方案”' }).waitFor();
    const preview = page.getByRole('figure', { name: 'How it looks in a chat' });
    await preview.getByText('2026 企业 SCRM 报价方案').waitFor();

    // Same browser, another tab: the in-browser backend is shared through storage.
    const customer = await page.context().newPage();
    await customer.goto(href);
    await heading(customer, '2026 企业 SCRM 报价方案');
    await customer.getByRole('complementary', { name: 'Shared by' }).getByText('王磊').waitFor();
  }, { permissions: ['clipboard-read', 'clipboard-write'] }));

test('the content library searches and filters, and the filters survive a reload', () =>
  withPage(async (page) => {
    await page.goto(url('/content'));
    await heading(page, 'Content library');
    const items = page.getByRole('listitem').filter({ has: page.getByRole('heading', { level: 2 }) });
    await items.first().waitFor();
    const all = await items.count();
    assert.ok(all >= 10, `${all} items`);
    await page.getByRole('searchbox', { name: 'Search content' }).fill('报价');
    await page.waitForFunction(() => !location.search.includes('kind') && location.search.includes('q='));
    assert.ok(await items.count() < all);
    assert.equal(await items.filter({ hasText: '报价' }).count(), await items.count());
    await page.getByRole('searchbox', { name: 'Search content' }).fill('');
    await page.getByRole('combobox', { name: 'Kind' }).selectOption({ label: 'Video' });
    await page.waitForURL(/kind=video/);
    await page.reload();
    await heading(page, 'Content library');
    await items.first().waitFor();
    assert.equal(await page.getByRole('combobox', { name: 'Kind' }).inputValue(), 'video');
    assert.ok(await items.count() >= 1);
    assert.equal(await items.filter({ hasNotText: 'Video' }).count(), 0);
    await page.getByRole('combobox', { name: 'Tag', exact: true }).selectOption('价格');
    await page.getByText('No content matches these filters.').or(items.first()).waitFor();
    // Popular content can be ranked by another figure.
    await page.getByRole('button', { name: 'Longest read' }).click();
    assert.equal(await page.getByRole('button', { name: 'Longest read' }).getAttribute('aria-pressed'), 'true');
  }));

test('a rep writes an article from markdown, tags a section, and an unsaved edit survives a reload', () =>
  withPage(async (page) => {
    await page.goto(url('/content'));
    await page.getByRole('link', { name: 'New content' }).click();
    await heading(page, 'New content');
    await page.getByLabel('Title').fill('售后服务说明');
    await page.getByText('Import markdown').click();
    await page.getByLabel('Markdown source').fill('## 响应时间\n工作日 2 小时内响应。\n\n- 电话\n- 微信\n\n<b>not bold</b>');
    await page.getByRole('button', { name: 'Add as sections' }).click();
    const section = (n) => page.getByRole('group', { name: new RegExp(`^Section ${n}:`) });
    await section(4).waitFor();
    assert.equal(await page.getByRole('group', { name: /^Section \d+:/ }).count(), 4);
    assert.equal(await section(1).getByLabel('Text').inputValue(), '响应时间');
    assert.equal(await section(4).getByLabel('Text').inputValue(), '<b>not bold</b>');
    // Typed key by key, commas and spaces stay as typed; leaving the field tidies it.
    const tags = section(2).getByLabel('Tags (comma-separated)');
    await tags.pressSequentially('售后,响应 ');
    assert.equal(await tags.inputValue(), '售后,响应 ');
    await tags.blur();
    assert.equal(await tags.inputValue(), '售后, 响应');
    // A reload before saving keeps the work.
    await page.reload();
    await page.getByRole('status').filter({ hasText: 'unsaved changes from last time were restored' }).waitFor();
    assert.equal(await page.getByLabel('Title').first().inputValue(), '售后服务说明');
    assert.equal(await section(2).getByLabel('Tags (comma-separated)').inputValue(), '售后, 响应');
    // Reorder and remove, then a bad link is refused next to its field.
    await page.getByRole('button', { name: 'Remove section 4' }).click();
    await page.getByLabel('Cover image link').fill('javascript:alert(1)');
    await page.getByRole('button', { name: 'Save content' }).click();
    await page.getByRole('alert').filter({ hasText: 'Some fields need fixing' }).waitFor();
    await page.getByText('Not a web address').waitFor();
    await page.getByLabel('Cover image link').fill('');
    await page.getByRole('button', { name: 'Save content' }).click();
    await heading(page, 'Content library');
    await page.getByRole('heading', { name: '售后服务说明' }).waitFor();
    await page.getByRole('combobox', { name: 'Tag', exact: true }).selectOption('售后');
    await page.getByRole('heading', { name: '售后服务说明' }).waitFor();
  }));
