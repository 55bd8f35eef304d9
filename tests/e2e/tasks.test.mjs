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
