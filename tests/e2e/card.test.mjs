// The smart business card, once per backend: the rep edits it beside a live preview,
// shares it to a contact, the customer opens it on a phone, saves the contact and
// copies the WeChat ID, and the rep sees the view with what the customer did.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import {
  BACKEND, OFFLINE_ERRORS, browserSuite, customerPhone, enterAsStaff, heading, unreachableAlert, customerPageRuns
} from './support.mjs';

const suite = browserSuite();
const { url, withPage } = suite;

/** The card's analytics as they stand, read once they have loaded: the figures, the
 * views in which each action was taken, and each top viewer's views. */
async function cardFigures(stats) {
  await stats.getByText('Views', { exact: true })
    .or(stats.getByText(/^Nobody has viewed your card yet/)).waitFor();
  const figure = async (label) => {
    const term = stats.getByText(label, { exact: true });
    return (await term.count()) ? Number(await term.locator('xpath=following-sibling::dd[1]').innerText()) : 0;
  };
  const counted = async (items, pattern) => Object.fromEntries((await items.allInnerTexts())
    .map((t) => pattern.exec(t.trim())).filter(Boolean).map((m) => [m[1], Number(m[2])]));
  return {
    views: await figure('Views'),
    viewers: await figure('Unique viewers'),
    actions: await counted(stats.getByRole('listitem'), /^(.+): (\d+) views?$/),
    byViewer: await counted(stats.getByRole('listitem'), /^(.+?) · (\d+) views? · /),
  };
}

/** Waits until the card's analytics say `action` was taken in `n` views. */
function actionCount(stats, action, n) {
  return stats.getByText(new RegExp(`^${action}: ${n} views?$`)).waitFor({ timeout: 15_000 });
}

test(`the rep edits their card beside a live preview; a draft survives a reload (${BACKEND})`, () =>
  withPage(async (page) => {
    await enterAsStaff(page, url('/card'));
    await heading(page, 'My card');
    const form = page.getByRole('form', { name: 'Edit card' });
    const preview = page.getByRole('complementary', { name: 'Phone preview' });
    await preview.getByRole('heading', { name: '王磊' }).waitFor();

    const title = form.getByRole('textbox', { name: 'Job title' });
    await title.fill('首席客户顾问 Principal Adviser');
    await preview.getByText('首席客户顾问 Principal Adviser · 连接科技 Lianjie Tech').waitFor();

    // A bad address is refused beside its field, and nothing is saved.
    await form.getByRole('textbox', { name: 'Email' }).fill('wang@');
    await form.getByRole('button', { name: 'Save card' }).click();
    await form.getByRole('alert').waitFor();
    await form.getByText('Not an email address').waitFor();

    // Leaving before saving loses nothing: the draft comes back.
    await page.reload();
    await form.getByText('Your unsaved changes from last time were restored.').waitFor();
    assert.equal(await title.inputValue(), '首席客户顾问 Principal Adviser');
    await form.getByRole('textbox', { name: 'Email' }).fill('wang.lei@lianjie.example');
    await form.getByRole('radio', { name: 'Coral' }).check();
    await form.getByRole('button', { name: 'Save card' }).click();
    await page.getByText('Saved.').waitFor();

    await page.reload();
    await heading(page, 'My card');
    assert.equal(await title.inputValue(), '首席客户顾问 Principal Adviser');
    assert.equal(await form.getByRole('textbox', { name: 'Email' }).inputValue(), 'wang.lei@lianjie.example');
    assert.ok(await form.getByRole('radio', { name: 'Coral' }).isChecked());
    assert.equal(await form.getByText('Your unsaved changes from last time were restored.').count(), 0);
  }));

test(`a contact opens the shared card on a phone, saves the contact, and the rep sees it live (${BACKEND})`, () =>
  withPage(async (page) => {
    await enterAsStaff(page, url('/card'));
    await heading(page, 'My card');
    const share = page.getByRole('region', { name: 'Share my card' });
    await share.getByText('Link options').click();
    const forContact = share.getByRole('combobox', { name: 'For contact' });
    await forContact.locator('option').nth(1).waitFor({ state: 'attached' });
    const contact = (await forContact.locator('option').nth(1).innerText()).trim();
    await forContact.selectOption({ index: 1 });
    await share.getByRole('combobox', { name: 'Channel' }).selectOption({ label: 'WeChat' });
    await share.getByRole('button', { name: 'Share: 王磊' }).click();
    // The link as it will look in the chat with that contact.
    await share.getByText(`Chat with ${contact}`).waitFor();
    const bubble = share.getByRole('link', { name: /^Open as the customer: 王磊/ });
    const href = await bubble.getAttribute('href');
    assert.match(href, /\/s\/[0-9a-f]{32}$/);
    const stats = page.getByRole('region', { name: 'Card analytics' });
    // The card has been viewed before (the demo's history): what this view adds.
    const before = await cardFigures(stats);

    const phone = await customerPhone(suite, page);
    const customer = phone.page;
    await customer.goto(href);
    await heading(customer, '王磊');
    await customerPageRuns(customer);
    const actions = customer.getByRole('navigation', { name: 'Get in touch' });
    assert.match(await actions.getByRole('link', { name: 'Call' }).getAttribute('href'), /^tel:\+?[0-9-]+$/);
    assert.match(await actions.getByRole('link', { name: 'Email me' }).getAttribute('href'), /^mailto:/);
    assert.match(await actions.getByRole('link', { name: 'Message me' }).getAttribute('href'), /^\/chat\//);

    // Save contact: a vCard the phone's contacts app imports. On the server it is a
    // plain link to the server's file (in-app browsers block `data:` downloads).
    const save = await actions.getByRole('link', { name: 'Save contact' }).getAttribute('href');
    assert.match(save, BACKEND === 'http' ? /\/api\/v1\/public\/cards\/wang-lei\/vcard$/ : /^data:text\/vcard/);
    const [download] = await Promise.all([
      customer.waitForEvent('download'),
      actions.getByRole('link', { name: 'Save contact' }).click(),
    ]);
    assert.equal(download.suggestedFilename(), '王磊.vcf');
    const vcf = await readFile(await download.path(), 'utf8');
    assert.match(vcf, /^BEGIN:VCARD\r\nVERSION:3\.0\r\n/);
    assert.match(vcf, /\r\nN;CHARSET=UTF-8:王;磊;;;\r\n|\r\nN:王;磊;;;\r\n/);
    assert.match(vcf, /\r\nFN(;CHARSET=UTF-8)?:王磊\r\n/);
    assert.match(vcf, /\r\nTEL[^:]*:\+?[0-9-]+\r\n/);
    assert.match(vcf, /\r\nEMAIL[^:]*:[^\r]+@lianjie\.example\r\n/);
    assert.match(vcf, /\r\nEND:VCARD\r\n$/);
    assert.ok(vcf.split('\r\n').every((line) => Buffer.byteLength(line) <= 75), 'lines folded at 75 bytes');

    // The app's button; on the reference server the page's own link, which the reader
    // makes copy.
    const copy = { name: 'Copy WeChat ID' };
    await actions.getByRole('button', copy).or(actions.getByRole('link', copy)).click();
    await customer.getByRole('status').filter({ hasText: /WeChat ID copied|press and hold/ }).waitFor();
    // Long enough to count as a view, then the customer leaves.
    await customer.mouse.wheel(0, 400);
    await customer.waitForTimeout(3000);
    await customer.close();
    await phone.close();

    // The rep's card analytics, live: the view, who it was, what they did.
    const saved = before.actions['saved the contact'] ?? 0;
    const copied = before.actions['copied the WeChat ID'] ?? 0;
    await actionCount(stats, 'saved the contact', saved + 1);
    await actionCount(stats, 'copied the WeChat ID', copied + 1);
    const after = await cardFigures(stats);
    assert.equal(after.views, before.views + 1);
    // One more viewer unless this contact had viewed the card before.
    const seen = before.byViewer[contact] ?? 0;
    assert.equal(after.viewers, before.viewers + (seen ? 0 : 1));
    assert.equal(after.byViewer[contact], seen + 1);
    await stats.getByRole('listitem').filter({ has: page.getByRole('link', { name: contact }) }).waitFor();

    // And in the lead radar, named, just now, with the actions.
    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Lead radar' }).click();
    const line = page.getByRole('listitem').filter({ hasText: contact }).filter({ hasText: '王磊' })
      .filter({ has: page.getByText(/^\d+s ago$/) });
    await line.waitFor();
    assert.equal(await line.count(), 1);
    assert.match(await line.innerText(), /saved the contact/);
  }));

test(`the card's own address is tracked and its featured content opens the tracked viewer (${BACKEND})`, () =>
  withPage(async (page) => {
    await enterAsStaff(page, url('/card'));
    await heading(page, 'My card');
    const stats = page.getByRole('region', { name: 'Card analytics' });
    const before = (await cardFigures(stats)).actions['opened featured content'] ?? 0;
    const phone = await customerPhone(suite, page);
    const customer = phone.page;
    await customer.goto(url('/c/wang-lei'));
    await heading(customer, '王磊');
    // The reader's own link replaces the address, for the forward chain, once the
    // page's script runs (the heading above may be the server's first paint, before).
    await customer.waitForURL(/\/s\/[0-9a-f]{32}$/);
    const featured = customer.getByRole('region', { name: 'Featured content' });
    await customer.waitForTimeout(2500);
    await featured.getByRole('link', { name: /2026 企业 SCRM 报价方案/ }).click();
    await heading(customer, '2026 企业 SCRM 报价方案');
    await customer.waitForTimeout(2500);
    await customer.close();
    await phone.close();
    await actionCount(stats, 'opened featured content', before + 1);
  }));

test('the share options and the radar say when a list could not load, and Retry loads it (http)', { skip: BACKEND !== 'http' }, () =>
  withPage(async (page) => {
    const down = (route) => route.abort('internetdisconnected');
    // The contacts a link can be made for.
    const contacts = (u) => u.pathname === '/api/v1/contacts';
    await page.route(contacts, down);
    await enterAsStaff(page, url('/card'));
    await heading(page, 'My card');
    const share = page.getByRole('region', { name: 'Share my card' });
    await share.getByText('Link options').click();
    await unreachableAlert(share).waitFor();
    await page.unroute(contacts);
    await unreachableAlert(share).getByRole('button', { name: 'Retry' }).click();
    await share.getByRole('combobox', { name: 'For contact' }).locator('option').nth(1).waitFor({ state: 'attached' });
    await unreachableAlert(share).waitFor({ state: 'detached' });

    // The content the radar can be narrowed to.
    const contents = (u) => u.pathname === '/api/v1/contents';
    await page.route(contents, down);
    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Lead radar' }).click();
    await heading(page, 'Lead radar');
    await unreachableAlert(page).waitFor();
    await page.unroute(contents);
    await unreachableAlert(page).getByRole('button', { name: 'Retry' }).click();
    await page.getByRole('combobox', { name: 'Content library' }).locator('option').nth(1).waitFor({ state: 'attached' });
    await unreachableAlert(page).waitFor({ state: 'detached' });
  }, { expectedErrors: OFFLINE_ERRORS }));
