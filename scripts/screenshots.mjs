// Screenshots of every page, in zh-CN and en, on a desktop (1440x900) and a phone
// (390x844), into docs/screens/ with an index (docs/screens/README.md); also the two
// README images (docs/screenshot-workbench.png, docs/screenshot-card.png).
//   bash scripts/screenshots.sh        (uses the build in dist/, in-browser backend)
// Not part of the test command. The page catalogue and the helpers that open a page and
// wait for it to settle are shared with tests/e2e/a11y.test.mjs.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { PHONE, STAFF, launchBrowser, openPage, pageState, serveDist } from '../tests/e2e/support.mjs';

/** The import panel with a file chosen and its preview shown: a header the import
 * recognises, a duplicate of 吴先生 (k-006) and a row with a bad phone number. */
async function importPreview(page) {
  await page.locator('.page-actions button[aria-expanded]').first().click();
  await page.locator('.import-panel input[type=file]').setInputFiles({
    name: 'leads.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from('姓名,公司,手机,邮箱,标签\n周杰,星河科技,13900001111,zhou.jie@example.com,展会\n'
      + '吴先生,,13100047514,,老客户\n坏号码,,12ab,,\n', 'utf8'),
  });
  await page.locator('.import-panel .import-summary').waitFor();
}

/** Every page: `name` (file names), `path` (or `mint`: a key of the links minted in the
 * browser), who opens it (`as`: a STAFF key, or `customer` for the public pages), its
 * level-1 heading in zh and en, and (`prepare`) what to do on it before it is looked at. */
export const PAGES = [
  { name: 'dashboard', path: '/', as: 'rep', h1: ['工作台', 'Dashboard'] },
  { name: 'card', path: '/card', as: 'rep', h1: ['我的名片', 'My card'] },
  { name: 'content', path: '/content', as: 'rep', h1: ['内容库', 'Content library'] },
  { name: 'content-new', path: '/content/new', as: 'rep', h1: ['新建内容', 'New content'] },
  { name: 'content-analytics', path: '/content/c-pricing', as: 'rep', h1: ['内容数据', 'Content analytics'] },
  { name: 'radar', path: '/radar', as: 'rep', h1: ['线索雷达', 'Lead radar'] },
  { name: 'customers', path: '/customers', as: 'rep', h1: ['客户', 'Customers'] },
  { name: 'customers-import', path: '/customers', as: 'rep', h1: ['客户', 'Customers'], prepare: importPreview },
  { name: 'pool', path: '/pool', as: 'rep', h1: ['公海客户', 'Public pool'] },
  { name: 'tasks', path: '/tasks', as: 'rep', h1: ['任务', 'Tasks'] },
  { name: 'leaderboard', path: '/leaderboard', as: 'rep', h1: ['排行榜', 'Leaderboard'] },
  // A rep's board holds their own row; the admin's holds every seller.
  { name: 'team-board', path: '/team', as: 'admin', h1: ['团队看板', 'Team board'] },
  // A manager on a phone: the team's table is wider than the screen and scrolls.
  { name: 'team-board-manager', path: '/team', as: 'manager', h1: ['团队看板', 'Team board'] },
  // A rep in her first weeks is shown where to start.
  { name: 'dashboard-new-rep', path: '/', as: 'newRep', h1: ['工作台', 'Dashboard'] },
  { name: 'pipeline', path: '/pipeline', as: 'rep', h1: ['商机看板', 'Pipeline'] },
  { name: 'contact', path: '/contacts/k-000', as: 'rep', h1: ['客户画像', 'Customer profile'] },
  { name: 'inbox', path: '/inbox', as: 'rep', h1: ['收件箱', 'Inbox'] },
  { name: 'inbox-conversation', mint: 'conversation', as: 'rep', h1: ['收件箱', 'Inbox'] },
  // Only an administrator may post as a channel, so the simulator is theirs.
  { name: 'inbox-simulator', path: '/inbox/simulator', as: 'admin', h1: ['渠道模拟器', 'Channel simulator'] },
  { name: 'settings', path: '/settings', as: 'admin', h1: ['设置', 'Settings'] },
  { name: 'settings-team', path: '/settings/team', as: 'admin', h1: ['团队', 'Team'] },
  // A WeCom reply the platform refused, said under it with Send again.
  { name: 'inbox-failed-reply', path: '/inbox?status=all&c=v-002', as: 'admin', h1: ['收件箱', 'Inbox'] },
  { name: 'settings-channels', path: '/settings/channels', as: 'admin', h1: ['渠道接入', 'Channel adapters'] },
  { name: 'design-system', path: '/settings/design', as: 'rep', h1: ['设计系统', 'Design system'] },
  { name: 'card-view', path: '/c/wang-lei', as: 'customer', h1: ['王磊', '王磊'] },
  { name: 'share', mint: 'share', as: 'customer', h1: ['2026 企业 SCRM 报价方案', '2026 企业 SCRM 报价方案'] },
  { name: 'chat', mint: 'chat', as: 'customer', h1: ['在线咨询', 'Chat with us'] },
];

export const LANGS = ['zh', 'en']; // the order of each page's `h1`
export const VIEWPORTS = {
  desktop: { viewport: { width: 1440, height: 900 } },
  phone: PHONE,
};
/** A fixed clock, so the demo data (seeded relative to now) and every "3 hours ago"
 * come out the same on each run. */
export const FIXED_NOW = new Date('2026-03-02T10:00:00+08:00');

/** Headings that mean the page did not render what it is for. */
const FAILED = /^(Something went wrong|Page not found|Not available to your role|出错了|页面不存在|你的角色无权访问)$/;

/** Opens a fresh context at `options` size whose in-browser backend acts as `who`
 * (customer pages share the rep's browser: on this backend the data lives there). */
export async function openAs(browser, who, options = {}) {
  const opened = await openPage(browser, { reducedMotion: 'reduce', ...options });
  await opened.context.clock.setFixedTime(FIXED_NOW);
  const staff = who === 'customer' ? 'rep' : who;
  // As enterAsStaff does: who the in-browser backend acts as, chosen before the first load.
  await opened.page.addInitScript(([key, id]) => {
    if (!sessionStorage.getItem('e2e.signed-in-as')) {
      localStorage.setItem(key, JSON.stringify(id));
      sessionStorage.setItem('e2e.signed-in-as', '1');
    }
  }, ['lianjie.local.me', STAFF[staff].id]);
  return opened;
}

/** `href` with `?lang=`. */
export function withLang(href, lang) {
  const u = new URL(href);
  u.searchParams.set('lang', lang);
  return u.href;
}

/** Waits until the page shows its content: its level-1 heading, no "Loading…" left,
 * fonts loaded, and a moment for the last paint; throws if it shows an error instead. */
export async function settle(page, expected) {
  // Attached, not visible: a phone's open conversation hides the page header.
  await page.locator('h1').first().waitFor({ state: 'attached', timeout: 20_000 }).catch(async (e) => {
    throw new Error(`no heading: ${e.message.split('\n')[0]}\n${await pageState(page)}`);
  });
  await page.waitForFunction(() => !document.querySelector('.loading'), null, { timeout: 20_000 });
  await page.evaluate(() => document.fonts.ready.then(() => undefined));
  await page.waitForTimeout(400);
  const h1 = (await page.locator('h1').first().textContent()).trim();
  if (FAILED.test(h1) || (expected && h1 !== expected)) {
    throw new Error(`${page.url()} shows "${h1}"${expected ? `, not "${expected}"` : ''}`);
  }
  const error = page.locator('.error-view');
  if (await error.count()) throw new Error(`${page.url()} shows an error: ${(await error.first().innerText()).trim()}`);
  return h1;
}

/** What sticks out past the right edge of the window (a page that scrolls sideways):
 * the outermost such elements, as `tag.class (right edge px)`; empty if nothing does. */
export function overflow(page) {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const out = (el) => el.getBoundingClientRect().right > width + 1 && el.getBoundingClientRect().width > 0;
    return [...document.querySelectorAll('body *')]
      .filter((el) => out(el) && !(el.parentElement && out(el.parentElement)))
      .slice(0, 5)
      .map((el) => `${el.tagName.toLowerCase()}${[...el.classList].map((c) => `.${c}`).join('')} (${Math.round(el.getBoundingClientRect().right)}px)`);
  });
}

/** Screenshots the whole page at `path`. A taller page is shot in a window grown to its
 * height (then put back): a plain full-page capture draws the fixed bars (the sidebar,
 * the phone's tab bar) where they sit in the first screenful, in mid-page. A layout
 * made to fit the window (it grows as much as the window does) is shot at the window's
 * own size, as it first shows; returns how far such a page scrolls down, else 0. */
export async function shoot(page, path) {
  const window = page.viewportSize();
  const scrollHeight = () => page.evaluate(() => document.documentElement.scrollHeight);
  const first = await scrollHeight();
  let [size, height, fitsWindow] = [window.height, first, false];
  // Parts capped at a share of the window (a preview) grow a little each time, then stop.
  for (let i = 0; i < 5 && height > size + 1 && !fitsWindow; i++) {
    const grown = Math.min(height, 12_000);
    await page.setViewportSize({ width: window.width, height: grown });
    await page.waitForTimeout(250);
    const now = await scrollHeight();
    fitsWindow = now - height >= 0.9 * (grown - size);
    [size, height] = [grown, now];
  }
  if (fitsWindow) {
    await page.setViewportSize(window);
    await page.waitForTimeout(250);
  }
  await page.screenshot({ path, fullPage: true, animations: 'disabled' });
  await page.setViewportSize(window);
  return fitsWindow ? first - window.height : 0;
}

/** The addresses that exist only once the browser's demo data does: an open
 * conversation, a share of the pricing article, and the web chat it links to. */
export async function mintLinks(page, base) {
  await page.goto(withLang(`${base}/inbox`, 'en'));
  await settle(page);
  const row = page.getByRole('region', { name: 'Conversations' }).getByRole('listitem').first().getByRole('link');
  await row.waitFor({ timeout: 15_000 });
  const conversation = new URL(await row.getAttribute('href'), page.url()).href;

  await page.goto(withLang(`${base}/content`, 'en'));
  await settle(page);
  await page.getByRole('button', { name: 'Share: 2026 企业 SCRM 报价方案' }).click();
  const share = new URL(await page.getByRole('link', { name: /\/s\/[0-9a-f]{32}$/ }).getAttribute('href'), page.url()).href;

  await page.goto(withLang(share, 'en'));
  await settle(page);
  const chatLink = page.getByRole('complementary', { name: 'Shared by' }).locator('a[href*="/chat/"]');
  const chat = new URL(await chatLink.getAttribute('href'), page.url()).href;
  return { conversation, share, chat };
}

/** The role groups the pages are visited in: one browser context each, so that what
 * one page does (a share, a view) does not show on another language's screenshot
 * more than on this one's; `minted` pages come after the plain ones. */
export function groups() {
  const rep = PAGES.filter((p) => p.as === 'rep' || p.as === 'customer');
  return [
    { who: 'rep', pages: [...rep.filter((p) => !p.mint), ...rep.filter((p) => p.mint)] },
    { who: 'admin', pages: PAGES.filter((p) => p.as === 'admin') },
    { who: 'newRep', pages: PAGES.filter((p) => p.as === 'newRep') },
    { who: 'manager', pages: PAGES.filter((p) => p.as === 'manager') },
  ];
}

async function main() {
  const started = Date.now();
  const deadline = setTimeout(() => {
    console.error('screenshots: gave up after 8 minutes');
    process.exit(1);
  }, 8 * 60_000);
  const out = 'docs/screens';
  mkdirSync(out, { recursive: true });
  for (const f of readdirSync(out)) if (f.endsWith('.png')) rmSync(`${out}/${f}`);

  const server = await serveDist();
  const browser = await launchBrowser();
  const shots = [];
  const failures = [];
  try {
    for (const [size, options] of Object.entries(VIEWPORTS)) {
      for (const lang of LANGS) {
        for (const { who, pages } of groups()) {
          const { context, page, errors } = await openAs(browser, who, options);
          try {
            let links = {};
            for (const p of pages) {
              const file = `${p.name}.${lang}.${size}.png`;
              const t0 = Date.now();
              try {
                // Links that need the demo data are made after every plain page is shot.
                if (p.mint && !links[p.mint]) {
                  links = await mintLinks(page, server.url).catch(() => mintLinks(page, server.url));
                }
                const href = withLang(p.mint ? links[p.mint] : server.url + p.path, lang);
                await page.goto(href);
                const h1 = await settle(page, p.h1[LANGS.indexOf(lang)]);
                await p.prepare?.(page);
                const wide = await overflow(page);
                if (wide.length) console.warn(`WARNING ${file} scrolls sideways: ${wide.join(', ')}`);
                const scrolls = await shoot(page, `${out}/${file}`);
                if (scrolls) console.warn(`NOTE ${file}: its window-high layout is ${scrolls}px taller than the window`);
                const u = new URL(href);
                shots.push({ ...p, lang, size, file, h1, wide, scrolls, href: u.pathname + u.search });
                console.log(`${file}  "${h1}"  ${Date.now() - t0} ms`);
              } catch (e) {
                failures.push(`${file}: ${e.message.split('\n')[0]}`);
                console.error(`FAILED ${file}: ${e.message.split('\n')[0]}`);
              }
            }
            if (errors.length) console.warn(`console errors (${size}, ${lang}, ${who}):\n  ${errors.join('\n  ')}`);
          } finally {
            await context.close();
          }
        }
      }
    }

    // The README's two images, as scripts/screenshot.mjs makes them.
    {
      const { context, page } = await openAs(browser, 'rep', { viewport: { width: 1280, height: 720 } });
      await page.goto(`${server.url}/?lang=zh`);
      await settle(page);
      await page.screenshot({ path: 'docs/screenshot-workbench.png', animations: 'disabled' });
      await context.close();
    }
    {
      const { context, page } = await openAs(browser, 'customer', { viewport: { width: 390, height: 720 }, isMobile: true });
      await page.goto(`${server.url}/c/wang-lei?lang=zh`);
      await settle(page);
      await page.screenshot({ path: 'docs/screenshot-card.png', animations: 'disabled' });
      await context.close();
    }
    // docs/design.md: each piece of the design system on its own, in English.
    {
      mkdirSync('docs/design', { recursive: true });
      const { context, page } = await openAs(browser, 'rep', { viewport: { width: 1440, height: 900 } });
      await page.goto(`${server.url}/settings/design?lang=en`);
      await settle(page, 'Design system');
      for (const piece of await page.locator('section.ds-piece').all()) {
        const id = await piece.getAttribute('id');
        if (id === 'ds-menu') await piece.getByRole('button', { name: 'Filters' }).click();
        await piece.screenshot({ path: `docs/design/${id}.png`, animations: 'disabled' });
      }
      await context.close();
    }
  } finally {
    await browser.close();
    await server.close();
    clearTimeout(deadline);
  }

  writeFileSync(`${out}/README.md`, index(shots));
  console.log(`${shots.length} screenshots in ${out}/ in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  if (failures.length) {
    console.error(`${failures.length} failed:\n  ${failures.join('\n  ')}`);
    process.exit(1);
  }
}

function index(shots) {
  const lines = [
    '# Screens',
    '',
    'Every page in zh-CN and en, on a desktop (1440x900) and a phone (390x844), full height,',
    'on the in-browser backend with its demo data and a fixed clock',
    `(${FIXED_NOW.toISOString()}). Made by \`bash scripts/screenshots.sh\`; do not edit by hand.`,
    '',
    '| page | address | as | zh desktop | zh phone | en desktop | en phone |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const p of PAGES) {
    const mine = shots.filter((s) => s.name === p.name);
    if (!mine.length) continue;
    const address = (p.path ?? mine[0].href.replace(/[?&]lang=\w+/, '')).replace(/[0-9a-f]{32}|[A-Za-z0-9_-]{20,}/g, '…');
    const cell = (lang, size) => {
      const s = mine.find((x) => x.lang === lang && x.size === size);
      if (!s) return '—';
      const notes = [s.wide.length && '⚠ scrolls sideways', s.scrolls && `⚠ ${s.scrolls}px too tall`].filter(Boolean);
      return `[${s.h1}](${s.file})${notes.map((n) => ` ${n}`).join('')}`;
    };
    lines.push(`| ${p.name} | \`${address}\` | ${p.as} | ${cell('zh', 'desktop')} | ${cell('zh', 'phone')} | ${cell('en', 'desktop')} | ${cell('en', 'phone')} |`);
  }
  const wide = shots.filter((s) => s.wide.length);
  if (wide.length) {
    lines.push('', 'Wider than the window (⚠), outermost elements past the right edge:', '');
    for (const s of wide) lines.push(`- ${s.file}: ${s.wide.map((w) => `\`${w}\``).join(', ')}`);
  }
  const tall = shots.filter((s) => s.scrolls);
  if (tall.length) {
    lines.push('', 'Layouts meant to fit the window (their height follows it) that are taller than it, so the',
      'page scrolls; shot at the window\'s size, with fixed bars where they sit before scrolling:', '');
    for (const s of tall) lines.push(`- ${s.file}: ${s.scrolls}px`);
  }
  lines.push('');
  return lines.join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
