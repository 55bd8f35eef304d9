// Content that works (三轮驱动's employee wheel), on both backends: the library
// ranks content by what it led to, narrowed by an interest tag kept in the address;
// a new rep's dashboard says where to start and a seasoned rep's does not; a
// customer's profile suggests what to send them next, and the link is minted for
// that customer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BACKEND, browserSuite, enterAsStaff, heading, switchTo } from './support.mjs';

const suite = browserSuite();
const { url, withPage } = suite;

test(`the library ranks content by what it led to, per interest tag (${BACKEND})`, () =>
  withPage(async (page) => {
    await enterAsStaff(page, url('/content'), 'rep');
    await heading(page, 'Content library');
    const works = page.getByRole('region', { name: 'Content that works' });
    const items = works.getByRole('listitem');
    await items.first().waitFor();
    await works.getByText('Start here').first().waitFor();
    await works.getByText(/\d+ readers · \d+ leads · \d+ won/).first().waitFor();
    const all = await items.count();
    const tags = works.getByRole('combobox', { name: 'Interest tag' });
    const options = (await tags.locator('option').allInnerTexts()).slice(1);
    assert.ok(options.length > 1, options.join());
    await tags.selectOption(options[0]);
    await page.waitForURL(/works=/);
    await works.getByRole('combobox', { name: 'Interest tag' }).waitFor();
    assert.ok(await items.count() <= all);
  }));

test(`a new rep is shown where to start; a customer's profile suggests what to send (${BACKEND})`, () =>
  withPage(async (page) => {
    await enterAsStaff(page, url('/'), 'newRep');
    await heading(page, 'Dashboard');
    const start = page.getByRole('region', { name: 'Start here, new on the team' });
    await start.getByRole('listitem').first().waitFor();

    await switchTo(page, 'rep');
    await page.goto(url('/'));
    await heading(page, 'Dashboard');
    await page.getByRole('region', { name: 'Summary' }).waitFor();
    assert.equal(await page.getByRole('region', { name: 'Start here, new on the team' }).count(), 0);

    await page.goto(url('/contacts/k-000'));
    await heading(page, 'Customer profile');
    const suggested = page.getByRole('region', { name: 'Suggested for this customer' });
    const first = suggested.getByRole('listitem').first();
    await first.waitFor();
    await first.getByText(/^(Read by \d+ customers? like them before they bought|About “.+”, what they read most|Led to \d+ leads? or won deals? for the team)$/).waitFor();
    const share = first.getByRole('button', { name: /^Share: / });
    await share.click();
    // The link is minted for this customer: the chat preview is with them.
    const name = await page.getByRole('heading', { level: 2 }).first().innerText();
    await first.getByText(`Chat with ${name}`).waitFor();
  }));
