// A WeChat Official Account end to end on the reference server: the admin connects
// the account in settings (pointed at a stand-in for WeChat's API); a follower's
// message, encrypted and signed as WeChat's servers send it, appears live in the
// agent's inbox; the reply leaves through the stand-in with WeChat's body and shows
// "Sent"; a reply WeChat refuses shows why, and Send again sends it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { BACKEND, browserSuite, enterAsStaff, heading } from './support.mjs';

const suite = browserSuite();
const { url, withPage } = suite;

const APP_ID = 'wx2c2769f8efd9abc2';
const APP_SECRET = '0123456789abcdef0123456789abcdef';
const AES_KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';

/** WeChat's safe-mode encryption (docs/channels.md): AES-256-CBC, PKCS#7 to 32. */
function encrypt(xml) {
  const key = Buffer.from(`${AES_KEY}=`, 'base64');
  const msg = Buffer.from(xml, 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32BE(msg.length);
  const plain = Buffer.concat([randomBytes(16), len, msg, Buffer.from(APP_ID)]);
  const pad = 32 - (plain.length % 32);
  const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16)).setAutoPadding(false);
  return Buffer.concat([cipher.update(Buffer.concat([plain, Buffer.alloc(pad, pad)])), cipher.final()]).toString('base64');
}

const sha1Sorted = (parts) => createHash('sha1').update([...parts].sort().join('')).digest('hex');

/** A stand-in for WeChat's API: records token fetches and sends; `refuse` queues
 * errcodes for the next sends. */
async function wechatApi() {
  const seen = { tokens: 0, sends: [], refuse: [] };
  const server = createServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    const json = JSON.parse(body || '{}');
    const answer = (o) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(o));
    if (req.url.startsWith('/cgi-bin/stable_token')) {
      seen.tokens += 1;
      return answer(json.secret === APP_SECRET ? { access_token: 'TOKEN-E2E', expires_in: 7200 } : { errcode: 40125, errmsg: 'invalid appsecret' });
    }
    if (req.url.startsWith('/cgi-bin/message/custom/send?access_token=TOKEN-E2E')) {
      seen.sends.push(json);
      const code = seen.refuse.shift() ?? 0;
      return answer({ errcode: code, errmsg: code ? 'response out of time limit or subscription is canceled' : 'ok' });
    }
    res.writeHead(404).end();
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${server.address().port}`, seen, close: () => server.close() };
}

test('a WeChat follower writes, the agent answers, and the reply really leaves (http)', { skip: BACKEND !== 'http' }, async () => {
  const api = await wechatApi();
  try {
    await withPage(async (page) => {
      await enterAsStaff(page, url('/settings/channels'), 'admin');
      await heading(page, 'Channel adapters');
      await page.getByLabel('Channel').selectOption('wechat');
      await page.getByLabel('Credential name').fill('公众号');
      const account = page.getByRole('group', { name: /Connect an Official Account/ });
      await account.getByLabel('Developer ID (AppID)').fill(APP_ID);
      await account.getByLabel('Developer password (AppSecret)').fill(APP_SECRET);
      await account.getByLabel(/EncodingAESKey/).fill(AES_KEY);
      await account.getByLabel(/API address/).fill(api.url);
      await page.getByRole('button', { name: 'Create credential' }).click();
      const shown = page.getByRole('status').filter({ hasText: 'Secret for “公众号”' });
      await shown.waitFor();
      const token = await shown.locator('code.secret').innerText();
      assert.match(token, /^[0-9a-f]{32}$/, "WeChat's Token is at most 32 characters");
      const key = (await shown.locator('dd code').first().innerText()).trim();
      await page.getByRole('button', { name: 'Saved it, close' }).click();
      await page.getByText(`Replies leave through Official Account ${APP_ID}`).waitFor();

      // The agent watches the inbox while the follower writes.
      await page.goto(url('/inbox?status=all'));
      await heading(page, 'Inbox');
      const text = `公众号粉丝的提问 ${Date.now()}`;
      const inner = `<xml><ToUserName><![CDATA[gh_e2e]]></ToUserName><FromUserName><![CDATA[oE2eFollower]]></FromUserName><CreateTime>${Math.floor(Date.now() / 1000)}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[${text}]]></Content><MsgId>${Date.now()}</MsgId></xml>`;
      const encrypted = encrypt(inner);
      const timestamp = String(Math.floor(Date.now() / 1000));
      const signature = sha1Sorted([token, timestamp, 'e2e-nonce', encrypted]);
      const res = await fetch(url(`/api/v1/channels/wechat/inbound?key=${key}&timestamp=${timestamp}&nonce=e2e-nonce&encrypt_type=aes&msg_signature=${signature}`), {
        method: 'POST',
        headers: { 'content-type': 'text/xml' },
        body: `<xml><ToUserName><![CDATA[gh_e2e]]></ToUserName><Encrypt><![CDATA[${encrypted}]]></Encrypt></xml>`,
      });
      assert.equal(res.status, 200);
      assert.equal(await res.text(), 'success');
      const list = page.getByRole('region', { name: 'Conversations' });
      await list.getByRole('link').filter({ hasText: text }).click({ timeout: 15_000 });
      const thread = page.getByRole('region', { name: 'Messages with oE2eFollower' });
      await thread.getByText(text).waitFor();

      const reply = `您好，报价单已发您 ${Date.now()}`;
      await thread.getByRole('textbox', { name: /Your reply/ }).fill(reply);
      await thread.getByRole('button', { name: 'Send reply' }).click();
      await thread.getByRole('listitem').filter({ hasText: reply }).getByText('Sent', { exact: true }).waitFor({ timeout: 15_000 });
      assert.deepEqual(api.seen.sends.at(-1), { touser: 'oE2eFollower', msgtype: 'text', text: { content: reply } });
      assert.equal(api.seen.tokens, 1);

      // WeChat refuses the next one: said under it, and Send again sends it.
      api.seen.refuse.push(45015);
      const late = `第二条回复 ${Date.now()}`;
      await thread.getByRole('textbox', { name: /Your reply/ }).fill(late);
      await thread.getByRole('button', { name: 'Send reply' }).click();
      const refused = thread.getByRole('listitem').filter({ hasText: late });
      await refused.getByText(/Did not leave: the platform refused it: customer-service message: 45015/).waitFor({ timeout: 15_000 });
      await refused.getByRole('button', { name: 'Send again' }).click();
      await refused.getByText('Sent', { exact: true }).waitFor({ timeout: 15_000 });
      assert.equal(api.seen.sends.length, 3);
      assert.equal(api.seen.sends.at(-1).text.content, late);
    });
  } finally {
    api.close();
  }
});
