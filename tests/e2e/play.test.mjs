// "Play a customer" on the radar: the demo's one-browser loop. The button shares an
// article with the rep's warmest customer and opens it in a phone-sized window; the
// customer reads there and the radar lights up with that reading, live.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BACKEND, browserSuite, enterAsStaff, heading, customerPageRuns } from './support.mjs';

const suite = browserSuite();
const { url, withPage } = suite;

test(`the radar's Play a customer opens a reading in a phone window and the radar shows it (${BACKEND})`, () =>
  withPage(async (page) => {
    await enterAsStaff(page, url('/radar'));
    await heading(page, 'Lead radar');
    const radar = page.getByRole('list').filter({ has: page.getByText(/^visit \d+$/) }).first();
    await radar.waitFor();
    const [customer] = await Promise.all([
      page.waitForEvent('popup'),
      page.getByRole('button', { name: 'Play a customer' }).click(),
    ]);
    await customer.waitForURL(/\/s\/[0-9a-f]{32}/);
    // A phone-sized window, on the article, tracked.
    const size = await customer.evaluate(() => [window.innerWidth, window.innerHeight]);
    assert.ok(size[0] <= 420, `a phone-sized window: ${size}`);
    const title = (await customer.getByRole('heading', { level: 1 }).innerText()).trim();
    await customerPageRuns(customer);
    for (let i = 0; i < 4; i++) {
      await customer.mouse.wheel(0, 300);
      await customer.waitForTimeout(800);
    }
    // The reading arrives on the radar: this article, seconds ago, from a named customer.
    const line = radar.getByRole('listitem')
      .filter({ hasText: `《${title}》` })
      .filter({ has: page.getByText(/^\d+s ago$/) })
      .first();
    await line.waitFor({ timeout: 15_000 });
    assert.ok(await line.getByRole('link').count() >= 1, 'the reader is a named customer with a profile');
    await customer.close();
  }));
