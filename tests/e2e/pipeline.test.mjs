// Deals on both backends: a rep opens a deal on a customer's profile, then moves it
// across the pipeline by keyboard and by drag to 赢单, and each column's totals
// follow; a screen reader hears every move.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BACKEND, browserSuite, enterAsStaff, heading } from './support.mjs';

const suite = browserSuite();
const { url, withPage } = suite;
/** A column's "Total ¥…" in fen. */
async function totalOf(col) {
  const [, yuan] = (await col.innerText()).match(/Total ¥([\d,]+\.\d\d)/);
  return Math.round(Number(yuan.replace(/,/g, '')) * 100);
}
const column = (page, name) => page.getByRole('region', { name: new RegExp(`^${name} \\d+$`) });

test(`a deal is opened on a profile and moved to won, and the totals follow (${BACKEND})`, () =>
  withPage(async (page) => {
    await enterAsStaff(page, url('/contacts/k-000'), 'rep');
    await heading(page, 'Customer profile');
    const form = page.getByRole('form', { name: 'New deal' });
    await form.getByRole('textbox', { name: 'Deal name' }).fill('二期扩容 200 席');
    await form.getByRole('textbox', { name: 'Amount (yuan)' }).fill('1.234');
    await form.getByRole('button', { name: 'Add deal' }).click();
    await form.getByText('Out of range').waitFor().catch(() => {});
    assert.equal(await form.getByRole('textbox', { name: 'Amount (yuan)' }).getAttribute('aria-invalid'), 'true');
    await form.getByRole('textbox', { name: 'Amount (yuan)' }).fill('86,400');
    await form.getByRole('button', { name: 'Add deal' }).click();
    await page.getByRole('region', { name: 'Deals' }).getByText('二期扩容 200 席').waitFor();

    await page.goto(url('/pipeline'));
    await heading(page, 'Pipeline');
    const qualify = column(page, 'Qualifying');
    const card = page.getByRole('listitem').filter({ hasText: '二期扩容 200 席' });
    await qualify.getByText('二期扩容 200 席').waitFor();
    assert.match(await qualify.innerText(), /Total ¥86,400\.00/);
    assert.match(await qualify.innerText(), /Weighted ¥8,640\.00/);
    // By keyboard: one stage on, said aloud.
    await card.focus();
    await page.keyboard.press('ArrowRight');
    await page.getByRole('status').filter({ hasText: 'Moved 《二期扩容 200 席》 to Needs confirmed.' }).waitFor();
    await column(page, 'Needs confirmed').getByText('二期扩容 200 席').waitFor();
    // By drag, to won: its column's total grows by the deal.
    const won = column(page, 'Won');
    const before = await totalOf(won);
    // The browser's own drag events, carrying one DataTransfer from card to column.
    const carried = await page.evaluateHandle(() => new DataTransfer());
    await page.getByRole('listitem').filter({ hasText: '二期扩容 200 席' }).dispatchEvent('dragstart', { dataTransfer: carried });
    await won.dispatchEvent('dragover', { dataTransfer: carried });
    await won.dispatchEvent('drop', { dataTransfer: carried });
    await won.getByText('二期扩容 200 席').waitFor();
    assert.equal(await totalOf(won), before + 8_640_000);
    assert.match(await won.innerText(), /100% likely/);
    // The customer's timeline tells the deal's story.
    await page.goto(url('/contacts/k-000'));
    await page.getByRole('region', { name: 'Touchpoint timeline' }).getByText('Deal 《二期扩容 200 席》 ¥86,400.00: Won').waitFor();
  }));

test(`a rep changes a deal's terms on the customer's profile (${BACKEND})`, () =>
  withPage(async (page) => {
    await enterAsStaff(page, url('/contacts/k-000'), 'rep');
    await heading(page, 'Customer profile');
    const deals = page.getByRole('region', { name: 'Deals' });
    await deals.getByRole('button', { name: 'Edit the deal 《年度订阅 120 席》' }).click();
    const form = deals.getByRole('form', { name: 'Change the deal' });
    await form.getByRole('textbox', { name: 'Amount (yuan)' }).fill('150,000');
    await form.getByRole('spinbutton', { name: 'Probability (%)' }).fill('160');
    await form.getByRole('button', { name: 'Save changes' }).click();
    await form.getByText('Not a valid value').waitFor();
    await form.getByRole('spinbutton', { name: 'Probability (%)' }).fill('60');
    await form.getByRole('button', { name: 'Save changes' }).click();
    await form.waitFor({ state: 'detached' });
    const line = deals.getByRole('listitem').filter({ hasText: '年度订阅 120 席' });
    await line.filter({ hasText: '¥150,000.00' }).filter({ hasText: '60% likely' }).waitFor();
    await page.getByRole('region', { name: 'Touchpoint timeline' })
      .getByText(/Deal 《年度订阅 120 席》 ¥150,000\.00/).first().waitFor();
  }));
