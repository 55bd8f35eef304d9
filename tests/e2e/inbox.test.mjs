// The unified inbox as a support agent uses it, once per backend: filters kept in the
// address, keyboard triage, canned replies, private notes, drafts per conversation,
// and a customer's web-chat message arriving live.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BACKEND, OFFLINE_ERRORS, browserSuite, customerPhone, enterAsStaff, heading, unreachableAlert,
} from './support.mjs';

const suite = browserSuite();
const { url, withPage } = suite;

test(`an agent filters, moves with the keyboard, replies with a canned reply and leaves a note (${BACKEND})`, () =>
  withPage(async (page) => {
    await enterAsStaff(page, url('/inbox'), 'agent');
    await heading(page, 'Inbox');
    const list = page.getByRole('region', { name: 'Conversations' });
    await list.getByText(/^Showing \d+ of \d+$/).waitFor();
    const rows = list.getByRole('list', { name: 'Conversations' }).getByRole('listitem');
    assert.ok(await rows.count() > 3);

    // Filters live in the address and survive a reload; each active one is a chip.
    await list.getByRole('button', { name: 'Filters' }).click();
    await list.getByRole('combobox', { name: 'Channel' }).selectOption({ label: 'WeChat' });
    await page.waitForURL(/channel=wechat/);
    await page.reload();
    await heading(page, 'Inbox');
    await list.getByRole('button', { name: 'Remove filter Channel: WeChat' }).waitFor();
    await list.getByRole('button', { name: 'Filters 1' }).click();
    assert.equal(await list.getByRole('combobox', { name: 'Channel' }).inputValue(), 'wechat');
    await page.keyboard.press('Escape');
    await list.getByRole('combobox', { name: 'Channel' }).waitFor({ state: 'detached' });
    await rows.first().waitFor();
    for (const text of await rows.allInnerTexts()) assert.match(text, /WeChat/);
    // Each status tab says how many conversations it holds.
    await list.getByRole('button', { name: /^All \d+$/ }).click();
    await page.waitForURL(/status=all/);

    // j/k move through the list; the open conversation is in the address.
    await list.getByText(/^Showing \d+ of \d+$/).waitFor();
    await page.waitForTimeout(500); // the list for the new status has arrived
    const current = list.locator('a[aria-current="true"]');
    const currentName = async () => (await current.locator('strong').innerText()).trim();
    await page.keyboard.press('j');
    await current.waitFor();
    const firstName = await currentName();
    await page.keyboard.press('j');
    await page.waitForFunction((name) => document.querySelector('a[aria-current="true"] strong')?.textContent.trim() !== name, firstName);
    await page.keyboard.press('k');
    await page.waitForFunction((name) => document.querySelector('a[aria-current="true"] strong')?.textContent.trim() === name, firstName);
    assert.equal(await currentName(), firstName);
    assert.match(page.url(), /[?&]c=/);
    const thread = page.getByRole('region', { name: `Messages with ${firstName}` });
    await thread.waitFor();

    // r: reply; "/" offers canned replies, filled in with the customer's name.
    await page.keyboard.press('r');
    const composer = thread.getByRole('textbox', { name: /Your reply/ });
    await composer.pressSequentially('/hel');
    await thread.getByRole('list', { name: 'Canned replies' }).getByRole('button', { name: /^\/hello/ }).click();
    assert.match(await composer.inputValue(), new RegExp(`您好 ${firstName}，我是 赵敏`));
    await composer.press('Control+Enter');
    await thread.getByRole('listitem').filter({ hasText: `您好 ${firstName}，我是 赵敏` }).last().waitFor();
    assert.equal(await composer.inputValue(), '');

    // A private note is marked as such.
    await thread.getByRole('checkbox', { name: /private note/ }).check();
    await composer.fill('客户关心价格，下周跟进');
    await thread.getByRole('button', { name: 'Add note' }).click();
    const note = thread.getByRole('listitem').filter({ hasText: '客户关心价格，下周跟进' }).last();
    await note.getByText('Private note').waitFor();

    // e resolves, a assigns, l labels, from the keyboard; the list follows.
    const actions = thread.getByRole('toolbar', { name: 'Conversation actions' });
    const wasResolved = await actions.getByRole('button', { name: 'Reopen (e)' }).count() === 1;
    await thread.getByRole('heading', { name: firstName }).click();
    await page.keyboard.press('e');
    await actions.getByRole('button', { name: wasResolved ? 'Resolve (e)' : 'Reopen (e)' }).waitFor();
    if (wasResolved) {
      await thread.getByRole('heading', { name: firstName }).click();
      await page.keyboard.press('e');
      await actions.getByRole('button', { name: 'Reopen (e)' }).waitFor();
    }
    await thread.getByRole('heading', { name: firstName }).click();
    await page.keyboard.press('a');
    const assignee = actions.getByRole('combobox', { name: 'Assignee (a)' });
    assert.ok(await assignee.evaluate((el) => el === document.activeElement));
    await assignee.selectOption({ label: '赵敏' });
    await thread.getByRole('heading', { name: firstName }).click();
    await page.keyboard.press('l');
    await page.keyboard.type('VIP, 报价');
    await page.keyboard.press('Tab');
    await list.locator('a[aria-current="true"]').getByText('VIP · 报价').waitFor();
    const resolvedTab = list.getByRole('button', { name: /^Resolved \d+$/ });
    const resolvedCount = Number((await resolvedTab.innerText()).match(/\d+$/)[0]);
    await resolvedTab.click();
    await list.getByRole('list', { name: 'Conversations' }).getByRole('listitem').filter({ hasText: firstName }).first().waitFor();
    await list.getByText(new RegExp(`^Showing \\d+ of ${resolvedCount}$`)).waitFor();
    await list.getByRole('button', { name: /^Filters/ }).click();
    await list.getByRole('combobox', { name: 'Assigned to' }).selectOption({ label: 'Unassigned' });
    await list.getByRole('button', { name: 'Done' }).click();
    await page.waitForURL(/assignee=unassigned/);
    // "Showing n of m" was already there before the filter: wait for the list to
    // change (the open conversation, now 赵敏's, leaves it) before counting.
    await list.locator('a[aria-current="true"]').waitFor({ state: 'detached' });
    assert.equal(await list.locator('a[aria-current="true"]').count(), 0);
    // Removing the chip removes the filter.
    await list.getByRole('button', { name: 'Remove filter Assigned to: Unassigned' }).click();
    await page.waitForURL((u) => !/assignee=/.test(u.search));
    await list.locator('a[aria-current="true"]').waitFor();

    // A half-written reply is kept per conversation across a reload.
    await composer.fill('稍后回复的草稿');
    await page.reload();
    await heading(page, 'Inbox');
    assert.equal(await thread.getByRole('textbox', { name: /Your reply/ }).inputValue(), '稍后回复的草稿');
  }));

test(`the command palette runs filters and actions by name (${BACKEND})`, () =>
  withPage(async (page) => {
    await enterAsStaff(page, url('/inbox'));
    await heading(page, 'Inbox');
    const list = page.getByRole('region', { name: 'Conversations' });
    await list.getByRole('list', { name: 'Conversations' }).getByRole('listitem').first().waitFor();

    // Ctrl+K opens it; typed words narrow it; Enter runs the chosen command.
    await page.keyboard.press('Control+k');
    const palette = page.getByRole('dialog', { name: 'Command palette' });
    const search = palette.getByRole('combobox', { name: 'Type a command' });
    assert.ok(await search.evaluate((el) => el === document.activeElement));
    await search.fill('channel wechat');
    const options = palette.getByRole('option');
    assert.equal(await options.count(), 1);
    await search.press('Enter');
    await page.waitForURL(/channel=wechat/);
    assert.equal(await palette.count(), 0);
    await list.getByRole('button', { name: 'Remove filter Channel: WeChat' }).waitFor();

    // Arrows move the choice; Escape closes without running anything.
    await page.keyboard.press('Control+k');
    await search.fill('status');
    await search.press('ArrowDown');
    await palette.getByRole('option', { name: /Pending/, selected: true }).waitFor();
    await search.press('Escape');
    assert.equal(await palette.count(), 0);
    assert.doesNotMatch(page.url(), /status=/);

    // With a conversation open, its actions are there too; nothing matching says so.
    await page.keyboard.press('Control+k');
    await search.fill('status all');
    await search.press('Enter');
    await page.waitForURL(/status=all/);
    await list.getByRole('list', { name: 'Conversations' }).getByRole('listitem').first().getByRole('link').click();
    const thread = page.getByRole('region', { name: /^Messages with / });
    await thread.waitFor();
    await page.keyboard.press('Control+k');
    await search.fill('private note');
    await search.press('Enter');
    assert.ok(await thread.getByRole('checkbox', { name: /private note/ }).isChecked());
    await page.keyboard.press('Control+k');
    await search.fill('no such command');
    await palette.getByText('No matching commands.').waitFor();
    await search.press('Escape');
  }));

test(`two contacts that are the same person merge, and the merge undoes (${BACKEND})`, () =>
  withPage(async (page) => {
    await enterAsStaff(page, url('/inbox?status=all'));
    await heading(page, 'Inbox');
    const list = page.getByRole('region', { name: 'Conversations' });
    const rows = list.getByRole('list', { name: 'Conversations' }).getByRole('listitem');
    await rows.first().waitFor();
    const names = (await rows.locator('strong').allInnerTexts()).map((n) => n.trim());
    const keep = names[0];
    // A name only one row carries, so its leaving the list is this merge's doing.
    const other = names.find((n) => n !== keep && names.filter((m) => m === n).length === 1);
    await rows.first().getByRole('link').click();
    const sidebar = page.getByRole('complementary', { name: 'Customer' });
    await sidebar.getByRole('heading', { name: keep }).waitFor();
    await sidebar.getByText('Merge a duplicate contact').click();
    await sidebar.getByRole('searchbox', { name: /Find the same person/ }).fill(other);
    await sidebar.getByRole('button', { name: new RegExp(`^Merge into ${keep}: ${other}`) }).first().click();
    const toast = page.getByRole('status').filter({ hasText: `Merged ${other} into ${keep}.` });
    await toast.waitFor();
    // The other's conversation now belongs to the kept contact.
    await page.waitForFunction((n) => ![...document.querySelectorAll('[aria-posinset] strong')]
      .some((s) => s.textContent.trim() === n), other);
    assert.ok((await sidebar.getByRole('listitem').count()) >= 2, 'identities of both');

    await toast.getByRole('button', { name: 'Undo' }).click();
    await page.getByRole('status').filter({ hasText: 'Merge undone.' }).waitFor();
    await list.getByRole('list', { name: 'Conversations' }).getByRole('listitem').filter({ hasText: other }).first().waitFor();
  }));

test(`labels being typed stay as typed when the same conversation's labels change in another tab (${BACKEND})`, () =>
  withPage(async (page) => {
    await enterAsStaff(page, url('/inbox'), 'agent');
    await heading(page, 'Inbox');
    const list = page.getByRole('region', { name: 'Conversations' });
    await list.getByRole('list', { name: 'Conversations' }).getByRole('listitem').first().getByRole('link').click();
    await page.waitForURL(/[?&]c=/);
    const open = list.locator('a[aria-current="true"]');
    await open.waitFor();
    const labelsIn = (p) => p.getByRole('toolbar', { name: 'Conversation actions' })
      .getByRole('textbox', { name: 'Labels (l)' });

    const other = await page.context().newPage();
    await other.goto(page.url());
    await heading(other, 'Inbox');
    await labelsIn(other).waitFor();

    await labelsIn(page).click();
    await labelsIn(page).fill('');
    await page.keyboard.type('VIP');
    // The other tab saves its own labels; they arrive here while the field is typed in.
    await labelsIn(other).fill('加急');
    await labelsIn(other).press('Tab');
    await open.getByText('加急').waitFor({ timeout: 15_000 });
    assert.equal(await labelsIn(page).inputValue(), 'VIP');
    // The edit, finished, is saved whole, and the field no longer typed in follows.
    await page.keyboard.type(',报价,');
    await page.keyboard.press('Tab');
    await open.getByText('VIP · 报价').waitFor();
    assert.equal(await labelsIn(page).inputValue(), 'VIP, 报价');
    await other.locator('a[aria-current="true"]').getByText('VIP · 报价').waitFor({ timeout: 15_000 });
    assert.equal(await labelsIn(other).inputValue(), 'VIP, 报价');
    // Left without an edit, the field shows the labels as they are now.
    await labelsIn(page).click();
    await labelsIn(other).fill('VIP, 报价, 加急');
    await labelsIn(other).press('Tab');
    await open.getByText('VIP · 报价 · 加急').waitFor({ timeout: 15_000 });
    assert.equal(await labelsIn(page).inputValue(), 'VIP, 报价');
    await page.keyboard.press('Tab');
    assert.equal(await labelsIn(page).inputValue(), 'VIP, 报价, 加急');
    await other.close();
  }));

test(`a customer's web-chat message from the card page appears live in the inbox (${BACKEND})`, () =>
  withPage(async (page) => {
    await enterAsStaff(page, url('/inbox'));
    await heading(page, 'Inbox');
    const list = page.getByRole('region', { name: 'Conversations' });
    await list.getByText(/^Showing \d+ of \d+$/).waitFor();
    // The tab title counts unread customer messages, e.g. "(3) Inbox · Lianjie".
    const unreadInTitle = async () => Number((await page.title()).match(/^\((\d+)\) /)?.[1] ?? 0);
    const unreadBefore = await unreadInTitle();

    const phone = await customerPhone(suite, page);
    const customer = phone.page;
    await customer.goto(url('/c/wang-lei'));
    await heading(customer, '王磊');
    await customer.getByRole('navigation', { name: 'Get in touch' }).getByRole('link', { name: 'Message me' }).click();
    await heading(customer, 'Chat with us');
    await customer.getByRole('textbox', { name: 'Your name (optional)' }).fill('李女士');
    await customer.getByRole('textbox', { name: 'Message' }).fill('你好，想了解一下企业版价格');
    await customer.getByRole('button', { name: 'Send message' }).click();
    await customer.getByText('Delivered').waitFor();

    const row = list.getByRole('list', { name: 'Conversations' }).getByRole('listitem').filter({ hasText: '你好，想了解一下企业版价格' });
    await row.waitFor({ timeout: 15_000 });
    assert.match(await row.innerText(), /Web chat/);
    assert.match(await row.innerText(), /1 unread/);
    await page.waitForFunction((n) => document.title.startsWith(`(${n}) `), unreadBefore + 1);
    await row.getByRole('link').click();
    const thread = page.getByRole('region', { name: /^Messages with / });
    await thread.getByText('Started from the card').waitFor();
    await thread.getByRole('listitem').filter({ hasText: '你好，想了解一下企业版价格' }).waitFor();
    // Opening it reads it.
    await page.waitForFunction((n) => n === Number(document.title.match(/^\((\d+)\) /)?.[1] ?? 0), unreadBefore);

    // The agent answers; the customer sees it in the open chat, and never the note.
    const composer = thread.getByRole('textbox', { name: /Your reply/ });
    await thread.getByRole('checkbox', { name: /private note/ }).check();
    await composer.fill('内部：大客户，优先跟进');
    await thread.getByRole('button', { name: 'Add note' }).click();
    await thread.getByRole('checkbox', { name: /private note/ }).uncheck();
    await composer.fill('李女士您好，企业版报价已发给您。');
    await thread.getByRole('button', { name: 'Send reply' }).click();
    const chat = customer.getByRole('region', { name: 'Your messages' });
    await chat.getByRole('listitem').filter({ hasText: 'Reply from your adviser' })
      .filter({ hasText: '李女士您好，企业版报价已发给您。' }).waitFor({ timeout: 15_000 });
    assert.equal(await chat.getByText('内部：大客户').count(), 0);

    // Labels half typed stay as typed while the customer writes again (the open
    // conversation changes under the field), and are kept in full.
    await thread.getByRole('heading').first().click();
    await page.keyboard.press('l');
    await page.keyboard.type('VIP');
    await customer.getByRole('textbox', { name: 'Message' }).fill('有折扣吗？');
    await customer.getByRole('button', { name: 'Send message' }).click();
    await thread.getByRole('listitem').filter({ hasText: '有折扣吗？' }).waitFor({ timeout: 15_000 });
    await list.locator('a[aria-current="true"]').getByText('有折扣吗？').waitFor();
    await page.keyboard.type(', 报价');
    await page.keyboard.press('Tab');
    await list.locator('a[aria-current="true"]').getByText('VIP · 报价').waitFor();
    await customer.close();
    await phone.close();
  }));

test(`the channel simulator plays a WeChat customer whose message and reply go through the inbox (${BACKEND})`, () =>
  withPage(async (page) => {
    await enterAsStaff(page, url('/inbox'), 'admin');
    await heading(page, 'Inbox');
    const sim = await page.context().newPage();
    await sim.goto(url('/inbox/simulator'));
    await heading(sim, 'Channel simulator');
    await sim.getByRole('combobox', { name: 'Channel' }).selectOption({ label: 'QQ' });
    await sim.getByRole('textbox', { name: 'Customer name' }).fill('孙先生');
    await sim.getByRole('textbox', { name: 'Message' }).fill('请问周末有人值班吗？');
    await sim.getByRole('button', { name: 'Send as the customer' }).click();
    const chat = sim.getByRole('region', { name: '孙先生 on QQ' });
    await chat.getByText('请问周末有人值班吗？').waitFor();

    const row = page.getByRole('region', { name: 'Conversations' }).getByRole('listitem').filter({ hasText: '请问周末有人值班吗？' });
    await row.waitFor({ timeout: 15_000 });
    assert.match(await row.innerText(), /孙先生 · QQ/);
    await row.getByRole('link').click();
    const thread = page.getByRole('region', { name: 'Messages with 孙先生' });
    await thread.getByRole('textbox', { name: /Your reply/ }).fill('周末 9:00-18:00 有值班客服。');
    await thread.getByRole('button', { name: 'Send reply' }).click();
    await chat.getByText('周末 9:00-18:00 有值班客服。').waitFor({ timeout: 15_000 });
    await sim.close();
  }));

test('a reply sent while the network fails is delivered once after recovery (http)', { skip: BACKEND !== 'http' }, () =>
  withPage(async (page) => {
    await enterAsStaff(page, url('/inbox?status=all'));
    await heading(page, 'Inbox');
    const list = page.getByRole('region', { name: 'Conversations' });
    await list.getByRole('list', { name: 'Conversations' }).getByRole('listitem').first().getByRole('link').click();
    const thread = page.getByRole('region', { name: /^Messages with / });
    await thread.getByRole('listitem').first().waitFor();

    // The first attempt reaches the server but its answer is lost; the network then
    // stays down for the retries, so the reply waits, marked as not sent.
    const attempts = [];
    let down = true;
    await page.route('**/api/v1/conversations/*/messages', async (route) => {
      if (route.request().method() !== 'POST') return route.continue();
      attempts.push(route.request().headers()['idempotency-key']);
      if (!down) return route.continue();
      if (attempts.length === 1) await route.fetch();
      return route.abort('internetdisconnected');
    });
    const text = `网络中断时的回复 ${Date.now()}`;
    await thread.getByRole('textbox', { name: /Your reply/ }).fill(text);
    await thread.getByRole('button', { name: 'Send reply' }).click();
    const mine = thread.getByRole('listitem').filter({ hasText: text });
    await mine.getByText('Not sent').waitFor({ timeout: 20_000 });

    // Back online: the retry carries the same key, and the server keeps one copy.
    down = false;
    await mine.getByRole('button', { name: 'Retry' }).click();
    await page.waitForFunction((t) => ![...document.querySelectorAll('li')].some(
      (li) => li.textContent.includes(t) && /Not sent|Sending/.test(li.textContent)), text);
    assert.ok(attempts.length >= 2, `attempts: ${attempts.length}`);
    assert.equal(new Set(attempts).size, 1, 'every attempt carries the same idempotency key');
    await page.waitForTimeout(500);
    assert.equal(await thread.getByRole('listitem').filter({ hasText: text }).count(), 1);
    await page.unroute('**/api/v1/conversations/*/messages');
    await page.reload();
    await thread.getByRole('listitem').filter({ hasText: text }).waitFor();
    assert.equal(await thread.getByRole('listitem').filter({ hasText: text }).count(), 1);
  }, { expectedErrors: OFFLINE_ERRORS }));

test(`a reply the platform refused says why, and Send again asks once more (${BACKEND})`, () =>
  withPage(async (page) => {
    // v-002 (WeCom) holds a first reply that WeCom refused (the seed); nothing
    // sends on WeCom in the demo, so sending it again fails again, saying why.
    await enterAsStaff(page, url('/inbox?status=all&c=v-002'), 'agent');
    const thread = page.getByRole('region', { name: /^Messages with / });
    const refused = thread.getByRole('listitem').filter({ hasText: 'Did not leave: the platform refused it: 45015' });
    await refused.waitFor();
    await refused.getByRole('button', { name: 'Send again' }).click();
    await thread.getByRole('listitem')
      .filter({ hasText: 'Did not leave: WeCom is not connected; an admin connects it in Settings → Channel adapters' })
      .waitFor();
    assert.equal(await thread.getByText(/platform refused it/).count(), 0);
    // A new reply on an unconnected channel says so at once instead of waiting.
    const text = `企业微信未接入时的回复 ${Date.now()}`;
    await thread.getByRole('textbox', { name: /Your reply/ }).fill(text);
    await thread.getByRole('button', { name: 'Send reply' }).click();
    await thread.getByRole('listitem').filter({ hasText: text })
      .filter({ hasText: 'WeCom is not connected' }).getByRole('button', { name: 'Send again' }).waitFor();
  }));

test('what fails to load says so, and Retry loads it (http)', { skip: BACKEND !== 'http' }, () =>
  withPage(async (page) => {
    const down = (route) => (route.request().method() === 'GET'
      ? route.abort('internetdisconnected') : route.continue());
    // The staff (to assign to, among much else) are the workbench's: it says it could
    // not load them, and Retry does.
    const users = /\/api\/v1\/users$/;
    await page.route(users, down);
    await enterAsStaff(page, url('/inbox?status=all'));
    const lookupAlert = unreachableAlert(page);
    await lookupAlert.waitFor();
    await page.unroute(users);
    await lookupAlert.getByRole('button', { name: 'Retry' }).click();
    await lookupAlert.waitFor({ state: 'detached' });
    await heading(page, 'Inbox');
    // The canned replies are the inbox's own: it says so the same way.
    const canned = /\/api\/v1\/canned-replies$/;
    await page.route(canned, down);
    await page.reload();
    await lookupAlert.waitFor();
    await page.unroute(canned);
    await lookupAlert.getByRole('button', { name: 'Retry' }).click();
    await lookupAlert.waitFor({ state: 'detached' });

    const messages = /\/api\/v1\/conversations\/[^/]+\/messages/;
    const timeline = /\/api\/v1\/contacts\/[^/]+\/timeline/;
    await page.route(messages, down);
    await page.route(timeline, down);
    const list = page.getByRole('region', { name: 'Conversations' });
    await list.getByRole('list', { name: 'Conversations' }).getByRole('listitem').first().getByRole('link').click();

    // The conversation and the customer's history each say what failed...
    const thread = page.getByRole('region', { name: /^Messages with / });
    const threadAlert = unreachableAlert(thread);
    await threadAlert.waitFor();
    const sidebar = page.getByRole('complementary', { name: 'Customer' });
    const sidebarAlert = unreachableAlert(sidebar);
    await sidebarAlert.waitFor();
    assert.equal(await thread.getByRole('listitem').count(), 0);

    // ...and once the network is back, Retry loads each of them.
    await page.unroute(messages);
    await page.unroute(timeline);
    await threadAlert.getByRole('button', { name: 'Retry' }).click();
    await thread.getByRole('list').first().getByRole('listitem').first().waitFor();
    await threadAlert.waitFor({ state: 'detached' });
    await sidebarAlert.getByRole('button', { name: 'Retry' }).click();
    await sidebar.getByRole('region', { name: 'Touchpoint timeline' }).waitFor();
    await sidebarAlert.waitFor({ state: 'detached' });
    assert.ok(await page.getByLabel('Assignee (a)').getByRole('option').count() > 1, 'staff offered to assign to');

    // A change that fails is said in a toast whose Retry makes the same change.
    const change = /\/api\/v1\/conversations\/[^/]+$/;
    await page.route(change, (route) => (route.request().method() === 'PATCH'
      ? route.abort('internetdisconnected') : route.continue()));
    const actions = thread.getByRole('toolbar', { name: 'Conversation actions' });
    const toggle = actions.getByRole('button', { name: /^(Resolve|Reopen) \(e\)$/ });
    const before = await toggle.innerText();
    await toggle.click();
    const failedChange = unreachableAlert(page.getByRole('region', { name: 'Notifications' }));
    await failedChange.waitFor();
    await page.unroute(change);
    await failedChange.getByRole('button', { name: 'Retry' }).click();
    await actions.getByRole('button', { name: before.startsWith('Resolve') ? 'Reopen (e)' : 'Resolve (e)' }).waitFor();

    // A whole page whose data fails shows the error view; its Retry builds the page
    // again, which asks again.
    const trend = /\/api\/v1\/contacts\/[^/]+\/intent-trend/;
    await page.route(trend, down);
    await sidebar.getByRole('heading', { level: 2 }).getByRole('link').click();
    const pageAlert = unreachableAlert(page);
    await pageAlert.waitFor();
    await page.unroute(trend);
    await pageAlert.getByRole('button', { name: 'Retry' }).click();
    await heading(page, 'Customer profile');
    await page.getByRole('region', { name: 'Touchpoint timeline' }).waitFor();
  }, { expectedErrors: OFFLINE_ERRORS }));

// The server's job runs on its own clock (crates/server/tests/server/inbox.rs proves it
// there); in the browser the page's clock is moved on.
test('a snoozed conversation comes back to the open tab when its snooze runs out (local)', { skip: BACKEND === 'http' }, () =>
  withPage(async (page) => {
    await page.clock.install();
    await enterAsStaff(page, url('/inbox'), 'agent');
    await heading(page, 'Inbox');
    const list = page.getByRole('region', { name: 'Conversations' });
    const rows = list.getByRole('list', { name: 'Conversations' }).getByRole('listitem');
    await rows.first().waitFor();
    const count = async (tab) => Number((await list.getByRole('button', { name: new RegExp(`^${tab} \\d+$`) }).innerText()).match(/\d+$/)[0]);
    const [open, snoozed] = [await count('Open'), await count('Snoozed')];
    const name = (await rows.first().locator('strong').innerText()).trim();
    await rows.first().getByRole('link').click();
    const thread = page.getByRole('region', { name: `Messages with ${name}` });
    await thread.getByRole('combobox', { name: 'Snooze (s)' }).selectOption({ label: 'For an hour' });
    await list.getByRole('button', { name: `Open ${open - 1}` }).waitFor();
    await list.getByRole('button', { name: `Snoozed ${snoozed + 1}` }).waitFor();
    // An hour and a minute later it is open again, with nobody touching the page.
    await page.clock.fastForward('01:01:00');
    await list.getByRole('button', { name: `Open ${open}` }).waitFor();
    await list.getByRole('button', { name: `Snoozed ${snoozed}` }).waitFor();
    await rows.filter({ hasText: name }).first().waitFor();
  }));

// Last in the file: it grows the data set to 300 conversations. On http it also fails a
// next page on purpose.
test(`scrolling the list away from the open conversation stays put as more rows load (${BACKEND})`, () =>
  withPage(async (page) => {
    await enterAsStaff(page, url('/settings'), 'admin');
    await heading(page, 'Settings');
    await page.getByLabel('Sample conversations').fill('300');
    const reset = '**/api/v1/demo/reset**';
    if (BACKEND === 'http') {
      await page.route(reset, (route) => route.abort('internetdisconnected'));
    }
    await page.getByRole('button', { name: 'Load sample conversations' }).click();
    if (BACKEND === 'http') {
      // A reset that fails offers Retry, which resets with the same size.
      const failed = unreachableAlert(page.getByRole('region', { name: 'Notifications' }));
      await failed.waitFor();
      await page.unroute(reset);
      await failed.getByRole('button', { name: 'Retry' }).click();
    }
    await page.getByRole('status').filter({ hasText: 'Demo data restored.' }).waitFor({ timeout: 60_000 });
    await page.goto(url('/inbox?status=all'));
    await heading(page, 'Inbox');
    const list = page.getByRole('region', { name: 'Conversations' });
    await list.getByRole('list', { name: 'Conversations' }).getByRole('listitem').first().getByRole('link').click();
    await page.getByRole('region', { name: /^Messages with / }).getByRole('listitem').first().waitFor();
    // Scroll down through the first page (100 rows): the next one loads on the way.
    const rows = list.getByRole('list');
    await rows.hover();
    if (BACKEND === 'http') {
      // A next page that fails says so in the list, scrolling stops asking, and Retry
      // asks again.
      const nextPages = (u) => u.pathname === '/api/v1/conversations' && u.searchParams.has('cursor');
      await page.route(nextPages, (route) => route.abort('internetdisconnected'));
      const failed = unreachableAlert(list);
      for (let i = 0; i < 20; i++) {
        await page.mouse.wheel(0, 1_000);
        await page.waitForTimeout(50);
      }
      await failed.waitFor();
      assert.equal(await list.getByRole('button', { name: 'Load more' }).count(), 0);
      await page.unroute(nextPages);
      await failed.getByRole('button', { name: 'Retry' }).click();
      await list.getByText(/^Showing 200 of 300$/).waitFor();
      await rows.hover();
    }
    const all = list.getByText(/^Showing 300 of 300$/);
    for (let i = 0; i < 60 && !(await all.isVisible()); i++) {
      await page.mouse.wheel(0, 1_000);
      await page.waitForTimeout(50);
    }
    await all.waitFor({ timeout: 1_000 });
    // Wherever the scrolling ended, rows far below the open one are in view, not row 1.
    await page.waitForTimeout(300);
    const shown = await list.getByRole('list', { name: 'Conversations' }).getByRole('listitem').evaluateAll((items) => items.map((li) => Number(li.getAttribute('aria-posinset'))));
    assert.ok(Math.min(...shown) > 100, `rows in the page: ${Math.min(...shown)}–${Math.max(...shown)}`);
  }, { expectedErrors: OFFLINE_ERRORS }));
