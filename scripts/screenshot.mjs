// Regenerates the README screenshots from a release build in dist/:
//   node scripts/screenshot.mjs   (after `trunk build --release`)
import { launchBrowser, openPage, serveDist, heading } from '../tests/e2e/support.mjs';

const server = await serveDist();
const browser = await launchBrowser();
try {
  const desk = await openPage(browser, { viewport: { width: 1280, height: 720 } });
  await desk.page.goto(`${server.url}/?lang=zh`);
  await heading(desk.page, '工作台');
  await desk.page.screenshot({ path: 'docs/screenshot-workbench.png' });
  const phone = await openPage(browser, { viewport: { width: 390, height: 720 }, isMobile: true });
  await phone.page.goto(`${server.url}/c/wang-lei?lang=zh`);
  await heading(phone.page, '名片');
  await phone.page.screenshot({ path: 'docs/screenshot-card.png' });
} finally {
  await browser.close();
  await server.close();
}
