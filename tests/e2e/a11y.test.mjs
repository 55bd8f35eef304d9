// Accessibility, checked rather than hoped: axe-core (pinned in package-lock.json) on
// every page of scripts/screenshots.mjs, on the in-browser backend, in English on a
// desktop and, for the customer pages (read on phones, in Chinese first), also in
// Chinese on a phone. Fails on any WCAG 2.x A/AA violation of impact serious or critical.
import { after, before, describe, test } from 'node:test';
import { AXE_BLOCKING, axe, axeReport, launchBrowser, serveDist } from './support.mjs';
import { PAGES, VIEWPORTS, mintLinks, openAs, settle, withLang } from '../../scripts/screenshots.mjs';

let server;
let browser;
before(async () => {
  server = await serveDist();
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

/** One browser context per role and size, its pages checked in order; the minted
 * addresses (a conversation, a share, a chat) are made in it after the plain pages. */
function suiteFor(label, { who, pages, lang, size }) {
  describe(`accessibility: ${label}`, () => {
    let opened;
    let links = {};
    before(async () => { opened = await openAs(browser, who, VIEWPORTS[size]); });
    after(() => opened?.context.close());
    for (const p of pages) {
      test(`${p.name} (${p.path ?? p.mint}, ${lang}, ${size}) has no serious or critical axe violations`, async () => {
        const { page } = opened;
        if (p.mint && !links[p.mint]) links = await mintLinks(page, server.url);
        await page.goto(withLang(p.mint ? links[p.mint] : server.url + p.path, lang));
        await settle(page, p.h1[lang === 'zh' ? 0 : 1]);
        await p.prepare?.(page);
        const blocking = (await axe(page)).filter((v) => AXE_BLOCKING.has(v.impact));
        if (blocking.length) {
          throw new Error(`${blocking.length} serious or critical axe violations on ${p.name} (${lang}, ${size}):\n${axeReport(blocking)}`);
        }
      });
    }
  });
}

const plainFirst = (pages) => [...pages.filter((p) => !p.mint), ...pages.filter((p) => p.mint)];
const staffAndCustomer = PAGES.filter((p) => p.as === 'rep' || p.as === 'customer');
suiteFor('the rep\'s pages and the customer pages, English, desktop',
  { who: 'rep', pages: plainFirst(staffAndCustomer), lang: 'en', size: 'desktop' });
suiteFor('the administrator\'s pages, English, desktop',
  { who: 'admin', pages: PAGES.filter((p) => p.as === 'admin'), lang: 'en', size: 'desktop' });
suiteFor('a new rep\'s dashboard, Chinese, phone',
  { who: 'newRep', pages: PAGES.filter((p) => p.as === 'newRep'), lang: 'zh', size: 'phone' });
suiteFor('the customer pages, Chinese, phone',
  { who: 'customer', pages: plainFirst(PAGES.filter((p) => p.as === 'customer')), lang: 'zh', size: 'phone' });
// A manager looks at the team from a phone.
suiteFor('a manager\'s team board, Chinese, phone',
  { who: 'manager', pages: PAGES.filter((p) => p.as === 'manager'), lang: 'zh', size: 'phone' });
// A rep works from their phone: the workbench there (tab bar, one pane at a time).
suiteFor('the rep\'s pages, Chinese, phone',
  { who: 'rep', pages: plainFirst(PAGES.filter((p) => p.as === 'rep')), lang: 'zh', size: 'phone' });
