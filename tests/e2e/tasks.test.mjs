// Tasks born from the radar, on both backends: one tap on a reading makes a task
// due within half an hour with the reading as its context; the rep opens the
// customer from it, logs the follow-up (moving them to 跟进中), and the task is done.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BACKEND, browserSuite, enterAsStaff, heading } from './support.mjs';

const suite = browserSuite();
const { url, withPage } = suite;

test(`a radar reading becomes a task that the follow-up closes (${BACKEND})`, () =>
  withPage(async (page) => {
    await enterAsStaff(page, url('/radar'), 'rep');
    await heading(page, 'Lead radar');
    // A line whose reader is a known customer (their name links to the profile).
    const line = page.locator('.radar-line').filter({ has: page.locator('a[href^="/contacts/"]') }).first();
    await line.waitFor({ timeout: 15_000 });
    const name = await line.locator('a[href^="/contacts/"]').first().innerText();
    await line.getByRole('button', { name: 'Follow up' }).click();
    await page.getByText('Added to your tasks: follow up within 30 minutes.').waitFor();

    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Tasks' }).click();
    await heading(page, 'Tasks');
    // Made in the last half hour of the day, it is due tomorrow: upcoming, not today.
    const tomorrow = await page.evaluate(() => new Date(Date.now() + 30 * 60_000).getDate() !== new Date().getDate());
    if (tomorrow) await page.getByRole('group', { name: 'Task lists' }).getByRole('button', { name: 'Upcoming' }).click();
    const task = page.getByRole('listitem').filter({ hasText: `Follow up with ${name}: reading` });
    await task.waitFor();
    assert.match(await task.innerText(), /visit \d+/);
    await task.getByRole('link', { name: 'View customer' }).click();
    await heading(page, 'Customer profile');

    const followUp = page.getByRole('form', { name: 'Log a follow-up' });
    await followUp.getByRole('textbox', { name: 'What was said' }).fill('看到客户在读报价，电话确认了需求');
    await followUp.getByRole('combobox', { name: 'Stage' }).selectOption('following');
    await followUp.getByRole('button', { name: 'Save follow-up' }).click();
    await page.getByText('Follow-up saved.').waitFor();

    await page.goto(url('/tasks'));
    await heading(page, 'Tasks');
    await page.getByText('No tasks here.').waitFor();
    await page.getByRole('group', { name: 'Task lists' }).getByRole('button', { name: 'Completed' }).click();
    const done = page.getByRole('listitem').filter({ hasText: `Follow up with ${name}: reading` });
    await done.waitFor();
    assert.equal(await done.getByRole('checkbox').isChecked(), true);
    // The dashboard's today list is empty again too.
    await page.goto(url('/'));
    await page.getByRole('region', { name: "Today's tasks" }).getByText('No tasks here.').waitFor();
  }));

test(`a rep writes a follow-up straight from a radar line and from a conversation (${BACKEND})`, () =>
  withPage(async (page) => {
    await enterAsStaff(page, url('/radar'), 'rep');
    await heading(page, 'Lead radar');
    const line = page.locator('.radar-line').filter({ has: page.locator('a[href^="/contacts/"]') }).first();
    await line.waitFor({ timeout: 15_000 });
    const link = line.locator('a[href^="/contacts/"]').first();
    const name = await link.innerText();
    const profile = await link.getAttribute('href');
    await line.getByRole('button', { name: 'Log a follow-up' }).click();
    const panel = page.getByRole('region', { name: `Follow-up with ${name}` });
    const form = panel.getByRole('form', { name: 'Log a follow-up' });
    await form.getByRole('combobox', { name: 'How' }).selectOption({ label: 'WeChat' });
    await form.getByRole('textbox', { name: 'What was said' }).fill('雷达上看到在读，微信发了案例');
    await form.getByRole('button', { name: 'Save follow-up' }).click();
    await page.getByText('Follow-up saved.').waitFor();
    await panel.waitFor({ state: 'detached' });
    await page.goto(url(profile));
    await heading(page, 'Customer profile');
    await page.getByRole('region', { name: 'Touchpoint timeline' })
      .getByText('WeChat follow-up: 雷达上看到在读，微信发了案例').waitFor();

    // In the inbox, beside the conversation.
    await page.goto(url('/inbox?status=all'));
    await heading(page, 'Inbox');
    const rows = page.getByRole('list', { name: 'Conversations' }).getByRole('listitem');
    await rows.first().getByRole('link').click();
    const sidebar = page.getByRole('complementary', { name: 'Customer' });
    await sidebar.getByRole('heading', { level: 2 }).first().waitFor();
    await sidebar.getByRole('button', { name: 'Log a follow-up' }).click();
    const side = sidebar.getByRole('form', { name: 'Log a follow-up' });
    await side.getByRole('textbox', { name: 'What was said' }).fill('客户在对话里问了价格');
    await side.getByRole('button', { name: 'Save follow-up' }).click();
    await page.getByText('Follow-up saved.').waitFor();
    await side.waitFor({ state: 'detached' });
    await sidebar.getByText('Phone call follow-up: 客户在对话里问了价格').waitFor();
  }));

test(`a task coming due is announced wherever the rep is (${BACKEND})`, () =>
  withPage(async (page) => {
    await enterAsStaff(page, url('/tasks'), 'rep');
    await heading(page, 'Tasks');
    const form = page.getByRole('form', { name: 'New task' });
    await form.getByRole('textbox', { name: 'What to do' }).fill('给王总回电话');
    const soon = await page.evaluate(() => {
      const d = new Date(Date.now() + 5 * 60_000);
      const two = (n) => String(n).padStart(2, '0');
      return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}T${two(d.getHours())}:${two(d.getMinutes())}`;
    });
    await form.getByLabel('Due').fill(soon);
    await form.getByRole('button', { name: 'Add task' }).click();
    const alert = page.getByRole('status').filter({ hasText: /^Task due \d{4}-\d\d-\d\d \d\d:\d\d: 给王总回电话/ });
    await alert.waitFor();
    // Once: moving elsewhere in the workbench does not say it again.
    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Customers' }).click();
    await heading(page, 'Customers');
    await page.waitForTimeout(500);
    assert.ok(await alert.count() <= 1);
  }));
