// How the organization works its customers, on both backends: the admin renames a
// stage and adds one of their own, which the customer list then offers; a tag list
// makes reps tag from it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BACKEND, browserSuite, enterAsStaff, heading, switchTo } from './support.mjs';

const suite = browserSuite();
const { url, withPage } = suite;

test(`the admin sets the stages and the tag list that reps then use (${BACKEND})`, () =>
  withPage(async (page) => {
    await enterAsStaff(page, url('/settings'), 'admin');
    await heading(page, 'Settings');
    const stages = page.getByRole('region', { name: 'Sales stages' });
    await stages.getByRole('textbox', { name: 'Name of stage 2' }).fill('已加微信');
    await stages.getByRole('button', { name: 'Add a stage' }).click();
    await stages.getByRole('textbox', { name: 'Name of stage 8' }).fill('签约中');
    // Up past 流失 (churned), 输单 (lost) and 赢单 (won): the fifth stage.
    for (const n of [8, 7, 6]) await stages.getByRole('button', { name: `Move stage ${n} up` }).click();
    assert.equal(await stages.getByRole('textbox', { name: 'Name of stage 5' }).inputValue(), '签约中');
    // Taking away a stage customers are in is refused, and says why.
    await stages.getByRole('button', { name: 'Remove stage 1' }).click();
    await stages.getByRole('button', { name: 'Save the stages' }).click();
    await stages.getByRole('alert').filter({ hasText: 'A stage customers are in cannot be removed' }).waitFor();
    await page.reload();
    await heading(page, 'Settings');
    await stages.getByRole('textbox', { name: 'Name of stage 2' }).fill('已加微信');
    await stages.getByRole('button', { name: 'Add a stage' }).click();
    await stages.getByRole('textbox', { name: 'Name of stage 8' }).fill('签约中');
    for (const n of [8, 7, 6]) await stages.getByRole('button', { name: `Move stage ${n} up` }).click();
    await stages.getByRole('button', { name: 'Save the stages' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved.' }).first().waitFor();

    const tags = page.getByRole('region', { name: 'Customer tags' });
    await tags.getByRole('textbox', { name: 'New tag' }).fill('重点客户');
    await tags.getByRole('button', { name: 'Add to the list' }).click();
    await tags.getByRole('listitem').filter({ hasText: '重点客户' }).waitFor();
    await tags.getByRole('button', { name: 'Save the tag list' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved.' }).first().waitFor();

    // A rep's list offers the stages in the new order and names.
    await switchTo(page, 'rep');
    await page.goto(url('/customers'));
    await heading(page, 'Customers');
    const stageFilter = page.getByRole('combobox', { name: 'Stage', exact: true });
    await stageFilter.locator('option', { hasText: '签约中' }).waitFor({ state: 'attached' });
    const options = await stageFilter.locator('option').allInnerTexts();
    assert.deepEqual(options.slice(1, 6), ['Lead', '已加微信', 'Following up', 'Opportunity', '签约中']);
    // Tagging from the list (offered as choices) works; a tag not on it is refused.
    const table = page.getByRole('table', { name: 'Customers' });
    await table.getByRole('row').nth(1).getByRole('checkbox').check();
    const bulk = page.getByRole('region', { name: 'Bulk actions' });
    await bulk.getByRole('combobox', { name: 'Tag name' }).fill('随手写的');
    await bulk.getByRole('button', { name: 'Add tag' }).click();
    await page.getByRole('alert').first().waitFor();
    await bulk.getByRole('combobox', { name: 'Tag name' }).fill('重点客户');
    await bulk.getByRole('button', { name: 'Add tag' }).click();
    await page.getByRole('status').filter({ hasText: '1 customers updated.' }).waitFor();
    await table.getByRole('row').nth(1).getByText('重点客户').waitFor();
  }, { expectedErrors: [/status of 422/] }));
