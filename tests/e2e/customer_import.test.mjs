// Customers in and out as CSV, on both backends: a rep imports a file with a
// customer he already has, a repeat inside the file, a bad phone number and a short
// row; the preview says what will happen before anything is kept, the import says
// what happened, and the exported list (with its byte-order mark) holds the new one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { BACKEND, browserSuite, enterAsStaff, heading } from './support.mjs';

const suite = browserSuite();
const { url, withPage } = suite;

const BOM = '\ufeff';
// Row 3 reaches 吴先生 (k-006) by phone; row 4 repeats row 2's email in capitals.
const FILE = `${BOM}姓名,手机,邮箱,标签\r
周杰,13900001111,zhou.jie@example.com,展会\r
吴先生,13100047514,,老客户\r
周总,,ZHOU.JIE@example.com,VIP\r
坏号码,12ab,,\r
少一格,13900002222\r
`;

const table = (page) => page.getByRole('table', { name: 'Customers' });
const status = (page, re) => page.getByRole('status').filter({ hasText: re });

test(`a rep previews, imports and exports customers as CSV (${BACKEND})`, () =>
  withPage(async (page) => {
    await enterAsStaff(page, url('/customers'), 'rep');
    await heading(page, 'Customers');
    await table(page).getByRole('row').nth(1).waitFor();
    await page.getByRole('button', { name: 'Import customers' }).click();
    const panel = page.getByRole('region', { name: 'Import customers' });
    await panel.getByLabel('CSV file').setInputFiles({
      name: 'leads.csv', mimeType: 'text/csv', buffer: Buffer.from(FILE, 'utf8'),
    });
    await panel.getByText('leads.csv: 5 rows').waitFor();
    // Columns recognised from their Chinese headings.
    const nameColumn = panel.getByRole('combobox', { name: 'Column “姓名”' });
    assert.equal(await nameColumn.inputValue(), 'name');
    assert.equal(await panel.getByRole('combobox', { name: 'Column “手机”' }).inputValue(), 'phone');

    // The preview: nothing kept yet.
    await status(panel, 'Will create 1, merge 2, skip 2.').waitFor();
    const rows = panel.getByRole('listitem');
    assert.match(await rows.filter({ hasText: 'Row 3' }).innerText(), /Merges into 吴先生/);
    assert.match(await rows.filter({ hasText: 'Row 4' }).innerText(), /Merges into 周杰/);
    assert.match(await rows.filter({ hasText: 'Row 5' }).innerText(), /Phone: /);
    assert.match(await rows.filter({ hasText: 'Row 6' }).innerText(), /2 cells where the header has 4/);

    // Skipping duplicates instead changes the preview.
    await panel.getByRole('radio', { name: 'Skip the row' }).check();
    await status(panel, 'Will create 1, merge 0, skip 4.').waitFor();
    assert.match(await rows.filter({ hasText: 'Row 3' }).innerText(), /Same person as 吴先生/);
    await panel.getByRole('radio', { name: 'Merge into the customer' }).check();
    await status(panel, 'Will create 1, merge 2, skip 2.').waitFor();
    // Leaving the name out: nothing can be imported.
    await nameColumn.selectOption({ label: 'Leave out' });
    await panel.getByText('Say which column holds the name.').waitFor();
    assert.equal(await panel.getByRole('button', { name: 'Confirm import' }).isDisabled(), true);
    await nameColumn.selectOption({ label: 'Name' });
    await status(panel, 'Will create 1, merge 2, skip 2.').waitFor();
    await page.getByRole('searchbox', { name: 'Search name, company, phone, email or WeChat ID' }).fill('周杰');
    await page.getByRole('status').filter({ hasText: /^Showing 0 of 0$/ }).waitFor();

    await panel.getByRole('button', { name: 'Confirm import' }).click();
    await status(panel, 'Created 1, merged 2, skipped 2.').waitFor();
    await panel.getByRole('button', { name: 'Done' }).click();
    await page.getByRole('status').filter({ hasText: /^Showing 1 of 1$/ }).waitFor();
    const row = table(page).getByRole('row').filter({ hasText: '周杰' });
    assert.match(await row.innerText(), /展会/);
    assert.match(await row.innerText(), /VIP/, 'row 4 merged its tag into 周杰');

    // Export the list as it is narrowed: a BOM, our headings, and 周杰.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export CSV' }).click(),
    ]);
    assert.match(download.suggestedFilename(), /^customers-\d{4}-\d{2}-\d{2}\.csv$/);
    const text = await readFile(await download.path(), 'utf8');
    assert.ok(text.startsWith(BOM), 'starts with a byte-order mark');
    const lines = text.slice(1).trim().split(/\r?\n/);
    assert.match(lines[0], /^Name,Company,Phone,Email,WeChat ID,Source,Tags,Notes,Owner,Stage,/);
    assert.equal(lines.length, 2, 'the header and 周杰 alone');
    assert.match(lines[1], /^周杰,,13900001111,zhou\.jie@example\.com,,,展会; VIP,,王磊,/);
  }));
