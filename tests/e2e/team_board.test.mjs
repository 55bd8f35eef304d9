// The team board (团队看板), on both backends: a manager sees each seller of their
// department with the hot leads waiting for a follow-up; once the rep follows one
// up it leaves the manager's list; a rep sees only their own row.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BACKEND, browserSuite, enterAsStaff, heading, switchTo } from './support.mjs';

const suite = browserSuite();
const { url, withPage } = suite;

/** The sellers named in the board's rows. */
async function sellers(page) {
  const table = page.getByRole('table', { name: "Each seller's load" });
  await table.waitFor();
  return (await table.getByRole('rowheader').allInnerTexts()).sort();
}

test(`a manager sees who has not followed up a hot lead, until the rep does (${BACKEND})`, () =>
  withPage(async (page) => {
    await enterAsStaff(page, url('/team'), 'manager');
    await heading(page, 'Team board');
    assert.deepEqual(await sellers(page), ['李娜', '王磊', '陈刚']);
    const waiting = page.getByRole('region', { name: 'Hot leads waiting for a follow-up' });
    const lead = waiting.getByRole('listitem').filter({ hasText: '周女士' });
    await lead.getByText('王磊').waitFor();
    await lead.getByText('Waiting over 24 hours').waitFor();
    // One department narrows the board, and the address keeps it.
    await page.getByRole('combobox', { name: 'Department' }).selectOption('d-shanghai');
    await page.waitForURL(/department=d-shanghai/);
    await page.getByRole('table', { name: "Each seller's load" }).getByRole('rowheader', { name: '王磊' }).waitFor({ state: 'detached' });
    assert.deepEqual(await sellers(page), ['李娜']);

    await switchTo(page, 'rep');
    await page.goto(url('/team'));
    await heading(page, 'Team board');
    assert.deepEqual(await sellers(page), ['王磊']);
    await page.getByRole('region', { name: 'Hot leads waiting for a follow-up' }).getByRole('link', { name: '周女士' }).click();
    await heading(page, 'Customer profile');
    const followUp = page.getByRole('form', { name: 'Log a follow-up' });
    await followUp.getByRole('textbox', { name: 'What was said' }).fill('电话聊了报价，下周上门');
    await followUp.getByRole('button', { name: 'Save follow-up' }).click();
    await page.getByText('Follow-up saved.').waitFor();

    await switchTo(page, 'manager');
    await page.goto(url('/team'));
    await heading(page, 'Team board');
    await sellers(page);
    await page.getByRole('region', { name: 'Hot leads waiting for a follow-up' }).getByRole('listitem').first().waitFor();
    assert.equal(await page.getByRole('region', { name: 'Hot leads waiting for a follow-up' }).getByText('周女士').count(), 0);
  }));
