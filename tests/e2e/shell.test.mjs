// The app shell as a person meets it: every route, navigation, language, 404.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { browserSuite, heading, customerPageRuns } from './support.mjs';

const { url, withPage } = browserSuite();

const ROUTES = [
  ['/', 'Dashboard', '工作台'],
  ['/card', 'My card', '我的名片'],
  ['/content', 'Content library', '内容库'],
  ['/radar', 'Lead radar', '线索雷达'],
  ['/inbox', 'Inbox', '收件箱'],
  ['/settings', 'Settings', '设置'],
  ['/chat/AbCdEf0123456789_-xyzw', 'Chat with us', '在线咨询'],
];

describe('every route renders its page', () => {
  for (const [path, en, zh] of ROUTES) {
    test(`${path} in English and Chinese`, () =>
      withPage(async (page) => {
        await page.goto(url(path));
        await heading(page, en);
        assert.match(await page.title(), new RegExp(`^(\\(\\d+\\) )?${en} · Lianjie$`));
        await page.goto(url(`${path}?lang=zh`));
        await heading(page, zh);
        assert.equal(await page.locator('html').getAttribute('lang'), 'zh-CN');
      }));
  }
});

test('staff navigation moves between pages and marks the current one', () =>
  withPage(async (page) => {
    await page.goto(url('/'));
    const nav = page.getByRole('navigation', { name: 'Main navigation' });
    await nav.getByRole('link', { name: 'Lead radar' }).click();
    await heading(page, 'Lead radar');
    assert.equal(new URL(page.url()).pathname, '/radar');
    assert.equal(await nav.getByRole('link', { name: 'Lead radar' }).getAttribute('aria-current'), 'page');
    await nav.getByRole('link', { name: 'Dashboard' }).click();
    await page.getByRole('main').getByRole('link', { name: /Inbox/ }).click();
    await heading(page, 'Inbox');
  }));

test('the language switcher changes the UI and is remembered across reloads', () =>
  withPage(async (page) => {
    await page.goto(url('/inbox'));
    await heading(page, 'Inbox');
    await page.getByRole('button', { name: '中文' }).click();
    await heading(page, '收件箱');
    assert.equal(await page.getByRole('button', { name: '中文' }).getAttribute('aria-pressed'), 'true');
    await page.reload();
    await heading(page, '收件箱');
    assert.equal(await page.locator('html').getAttribute('lang'), 'zh-CN');
  }));

test('a ?lang= in the address follows the switcher, so a reload keeps the choice', () =>
  withPage(async (page) => {
    await page.goto(url('/chat/AbCdEf0123456789_-xyzw?lang=zh'));
    await heading(page, '在线咨询');
    await page.getByRole('button', { name: 'English' }).click();
    await heading(page, 'Chat with us');
    assert.equal(new URL(page.url()).searchParams.get('lang'), 'en');
    await page.reload();
    await heading(page, 'Chat with us');
  }));

test('customer pages carry the tracking notice and no staff navigation', () =>
  withPage(async (page) => {
    await page.goto(url('/c/wang-lei'));
    await heading(page, '王磊');
    await customerPageRuns(page);
    assert.equal(await page.title(), '王磊');
    assert.equal(await page.getByRole('navigation', { name: 'Main navigation' }).count(), 0);
  }, { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true }));

test('an unknown route shows the 404 page with a way back', () =>
  withPage(async (page) => {
    await page.goto(url('/no/such/page'));
    await heading(page, 'Page not found');
    await page.getByRole('link', { name: 'Back to dashboard' }).click();
    await heading(page, 'Dashboard');
  }));

test('a share link that does not exist says so plainly', () =>
  withPage(async (page) => {
    await page.goto(url('/s/0123456789abcdef0123456789abcdef'));
    await page.getByRole('alert').getByText('This link was not found').waitFor();
  }, { viewport: { width: 390, height: 844 }, isMobile: true }));

test('a mangled share link shows a clear error with a retry, not a crash', () =>
  withPage(async (page) => {
    await page.goto(url('/s/' + encodeURIComponent('abc。')));
    const alert = page.getByRole('alert');
    await alert.getByText('This link was not found').waitFor();
    await alert.getByRole('button', { name: 'Retry' }).waitFor();
  }));
