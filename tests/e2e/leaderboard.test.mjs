// The leaderboard (排行榜), on both backends: a rep sees their rank and the figures
// behind it, a follow-up moves their count, the board ranks by another column when
// its heading is chosen, and it downloads as CSV.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BACKEND, browserSuite, enterAsStaff, heading } from './support.mjs';

const suite = browserSuite();
const { url, withPage } = suite;

/** The follow-ups in the rep's own line (columns: rank, seller, then the figures). */
async function myFollowUps(page) {
  const row = page.getByRole('table', { name: 'Sellers ranked' }).getByRole('row').filter({ hasText: '(you)' });
  await row.waitFor();
  return Number(await row.getByRole('cell').nth(5).innerText());
}

test(`a follow-up moves the rep on the leaderboard, which exports as CSV (${BACKEND})`, () =>
  withPage(async (page) => {
    await enterAsStaff(page, url('/leaderboard?period=day&by=follow_ups'), 'rep');
    await heading(page, 'Leaderboard');
    await page.getByText(/You are #\d+ of \d+ by Follow-ups/).waitFor();
    const before = await myFollowUps(page);

    await page.goto(url('/contacts/k-000'));
    await heading(page, 'Customer profile');
    const followUp = page.getByRole('form', { name: 'Log a follow-up' });
    await followUp.getByRole('textbox', { name: 'What was said' }).fill('看到他在读报价，电话确认了预算');
    await followUp.getByRole('button', { name: 'Save follow-up' }).click();
    await page.getByText('Follow-up saved.').waitFor();

    await page.goto(url('/leaderboard?period=day&by=follow_ups'));
    await heading(page, 'Leaderboard');
    await page.getByText(/You are #\d+ of \d+ by Follow-ups/).nth(0).waitFor();
    assert.equal(await myFollowUps(page), before + 1);

    // Another column ranks the board when its heading is chosen, and the address keeps it.
    await page.getByRole('button', { name: 'Read rate' }).click();
    await page.getByText(/by Read rate/).waitFor();
    assert.match(page.url(), /by=read_rate/);
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export CSV' }).click();
    const file = await download;
    assert.match(file.suggestedFilename(), /^leaderboard-day-\d{4}-\d{2}-\d{2}\.csv$/);
  }));
