// Channel adapters, as an admin sets one up: a credential made in settings shows its
// secret once; on the reference server a delivery signed with it (HMAC-SHA256, as
// docs/channels.md says) lands in the inbox, and after revocation it is refused.
// The in-browser backend manages credentials the same way but has no address to
// deliver to, and says so.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { BACKEND, browserSuite, enterAsStaff, heading } from './support.mjs';

const suite = browserSuite();
const { url, withPage } = suite;

/** Delivers one customer message as an adapter would; the response status. */
async function deliver(page, key, secret, handle, text) {
  const body = JSON.stringify({ handle, name: '短信客户', body: text, idempotency_key: `e2e-${Date.now()}` });
  const timestamp = String(Math.floor(Date.now() / 1000));
  const signature = `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
  return page.evaluate(async ({ body, timestamp, signature, key }) => {
    const res = await fetch('/api/v1/channels/sms/inbound', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-lianjie-key': key,
        'x-lianjie-timestamp': timestamp,
        'x-lianjie-signature': signature,
      },
      body,
    });
    return res.status;
  }, { body, timestamp, signature, key });
}

test(`an admin creates, rotates and revokes an adapter credential (${BACKEND})`, () =>
  withPage(async (page) => {
    await enterAsStaff(page, url('/settings'), 'admin');
    await page.getByRole('link', { name: 'Manage channel adapter credentials' }).click();
    await heading(page, 'Channel adapters');
    await page.getByText(BACKEND === 'http' ? /docs\/channels\.md/ : /in-browser demo has no address/).waitFor();

    // An empty name is refused beside the field.
    await page.getByRole('button', { name: 'Create credential' }).click();
    await page.getByRole('alert').filter({ hasText: 'Required' }).waitFor();
    assert.equal(await page.getByLabel('Credential name').getAttribute('aria-invalid'), 'true');

    await page.getByLabel('Channel').selectOption('sms');
    await page.getByLabel('Credential name').fill('SMS gateway');
    await page.getByRole('button', { name: 'Create credential' }).click();
    const shown = page.getByRole('status').filter({ hasText: 'Secret for “SMS gateway”' });
    await shown.waitFor();
    const secret = await shown.locator('code.secret').innerText();
    assert.match(secret, /^[0-9a-f]{64}$/);
    const key = (await shown.locator('dd code').first().innerText()).trim();
    assert.match(key, /^ck-/);
    assert.match(await shown.innerText(), /\/api\/v1\/channels\/sms\/inbound/);
    await page.getByRole('button', { name: 'Saved it, close' }).click();
    await shown.waitFor({ state: 'detached' });

    // The list tells the credential by its last four characters, never the secret.
    const row = page.getByRole('listitem').filter({ hasText: 'SMS gateway' });
    await row.getByText(`••••${secret.slice(-4)}`).waitFor();
    assert.ok(!(await page.content()).includes(secret), 'the secret is gone from the page');

    if (BACKEND === 'http') {
      assert.equal(await deliver(page, key, secret, '+8613911112222', '请问短信里的报价还有效吗？'), 201);
      await page.goto(url('/inbox?status=open'));
      await page.getByText('请问短信里的报价还有效吗？').first().waitFor({ timeout: 15_000 });
      await page.goto(url('/settings/channels'));
      await row.getByText(/last used/).waitFor();
    }

    // Rotating shows the new secret once; the old one works a while longer.
    await row.getByRole('button', { name: 'Rotate secret' }).click();
    const rotated = page.getByRole('status').filter({ hasText: 'Secret for “SMS gateway”' });
    await rotated.waitFor();
    const second = await rotated.locator('code.secret').innerText();
    assert.notEqual(second, secret);
    await row.getByText(/old secret works until/).waitFor();
    await page.getByRole('button', { name: 'Saved it, close' }).click();

    // Revoking asks once more, then stops it.
    await row.getByRole('button', { name: 'Revoke' }).click();
    await row.getByRole('button', { name: 'Confirm: adapters using it stop at once' }).click();
    await row.getByText(/^revoked /).waitFor();
    assert.equal(await row.getByRole('button', { name: 'Rotate secret' }).count(), 0);
    if (BACKEND === 'http') {
      assert.equal(await deliver(page, key, second, '+8613911112222', '还在吗？'), 401);
    }
  }, { expectedErrors: [/status of 4(01|22)/] }));

test(`an SMS credential connects a gateway, checked field by field (${BACKEND})`, () =>
  withPage(async (page) => {
    await enterAsStaff(page, url('/settings/channels'), 'admin');
    await heading(page, 'Channel adapters');
    // Before: no channel's replies leave, and the page says so for each.
    const routes = page.getByRole('region', { name: 'Where replies leave' });
    await routes.getByRole('listitem').filter({ hasText: 'SMS' })
      .getByText('not connected: replies are marked as not sent').waitFor();
    await page.getByLabel('Channel').selectOption('sms');
    await page.getByLabel('Credential name').fill('短信网关');
    const gateway = page.getByRole('group', { name: /SMS gateway/ });
    await gateway.getByLabel('Send address').fill('ftp://sms.example.com');
    await gateway.getByLabel('Body template').fill('no placeholder');
    await page.getByRole('button', { name: 'Create credential' }).click();
    // Said beside each field: the address is no http(s) link, the template carries no reply.
    await gateway.getByText('Not a web address').waitFor();
    assert.equal(await gateway.getByLabel('Send address').getAttribute('aria-invalid'), 'true');
    assert.equal(await gateway.getByLabel('Body template').getAttribute('aria-invalid'), 'true');
    await gateway.getByLabel('Send address').fill('https://sms.example.com/send');
    await gateway.getByLabel('Body template').fill('{"to": "{to}", "text": "{text}", "ref": "{ref}"}');
    await gateway.getByLabel('Authorization header (optional)').fill('Bearer gw-secret');
    await page.getByRole('button', { name: 'Create credential' }).click();
    const shown = page.getByRole('status').filter({ hasText: 'Secret for “短信网关”' });
    await shown.waitFor();
    if (BACKEND === 'http') {
      assert.match(await shown.innerText(), /\/api\/v1\/channels\/sms\/receipts\?key=ck-[0-9a-f]+&token=[0-9a-f]{32}/);
    }
    await page.getByRole('button', { name: 'Saved it, close' }).click();
    const row = page.getByRole('listitem').filter({ hasText: '短信网关' });
    await row.getByText('Replies leave through the SMS gateway https://sms.example.com/send').waitFor();
    await routes.getByRole('listitem').filter({ hasText: 'SMS' })
      .getByText('through “短信网关” (https://sms.example.com/send)').waitFor();
    await routes.getByRole('listitem').filter({ hasText: 'WeCom' }).getByText(/not connected/).waitFor();
    assert.ok(!(await page.content()).includes('gw-secret'), 'the gateway credentials are not shown again');
  }, { expectedErrors: [/status of 422/] }));

test(`a WeCom credential connects an organization and its customer service (${BACKEND})`, () =>
  withPage(async (page) => {
    await enterAsStaff(page, url('/settings/channels'), 'admin');
    await heading(page, 'Channel adapters');
    await page.getByLabel('Channel').selectOption('wecom');
    await page.getByLabel('Credential name').fill('企业微信客服');
    const org = page.getByRole('group', { name: /Connect a WeCom organization/ });
    await org.getByLabel('Corporation ID (CorpID)').fill('ab-not-a-corp');
    await org.getByLabel('Customer-service app Secret').fill('QM6Nl5pDWzW1HftV-rFtMeuf9Bh1DXv5RC8OWhy4sWI');
    await org.getByLabel(/EncodingAESKey/).fill('jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C');
    await org.getByLabel(/open_kfid/).fill('wkAJ2GCAAAZSfhHCt7IFSvLKtMPxyJTw');
    await page.getByRole('button', { name: 'Create credential' }).click();
    // Said beside the field it is about.
    await org.getByLabel('Corporation ID (CorpID)').and(page.locator('[aria-invalid="true"]')).waitFor();
    await org.getByLabel('Corporation ID (CorpID)').fill('ww1a2b3c4d5e6f7a8b');
    await page.getByRole('button', { name: 'Create credential' }).click();
    const shown = page.getByRole('status').filter({ hasText: 'Secret for “企业微信客服”' });
    await shown.waitFor();
    // WeCom's Token is at most 32 characters; the callback URL names the credential.
    assert.match(await shown.locator('code.secret').innerText(), /^[0-9a-f]{32}$/);
    await shown.getByText("URL for WeCom's event server and customer-service callbacks (the secret is the Token)").waitFor();
    assert.match(await shown.innerText(), /\/api\/v1\/channels\/wecom\/inbound\?key=ck-/);
    await page.getByRole('button', { name: 'Saved it, close' }).click();
    const row = page.getByRole('listitem').filter({ hasText: '企业微信客服' });
    await row.getByText("Replies leave through WeCom ww1a2b3c4d5e6f7a8b's customer service").waitFor();
    const routes = page.getByRole('region', { name: 'Where replies leave' });
    await routes.getByRole('listitem').filter({ hasText: 'WeCom' })
      .getByText('through “企业微信客服” (ww1a2b3c4d5e6f7a8b)').waitFor();
    assert.ok(!(await page.content()).includes('QM6Nl5pDWzW1HftV'), 'the Secret is not shown again');
  }, { expectedErrors: [/status of 422/] }));

test(`an email credential connects a support mailbox; plain connections only to this machine (${BACKEND})`, () =>
  withPage(async (page) => {
    await enterAsStaff(page, url('/settings/channels'), 'admin');
    await heading(page, 'Channel adapters');
    await page.getByLabel('Channel').selectOption('email');
    await page.getByLabel('Credential name').fill('客服邮箱');
    const box = page.getByRole('group', { name: /Connect a support mailbox/ });
    await box.getByLabel('Support address').fill('support@lianjie.example');
    await box.getByLabel('IMAP server').fill('imap.example.com');
    await box.getByLabel('SMTP server').fill('smtp.example.com');
    await box.getByLabel('SMTP connection').selectOption('plain');
    await box.getByLabel('Mailbox password or app password').fill('app-password-1');
    await page.getByRole('button', { name: 'Create credential' }).click();
    // Plain SMTP to another machine would carry the password in the clear.
    await box.getByLabel('SMTP connection').and(page.locator('[aria-invalid="true"]')).waitFor();
    await box.getByLabel('SMTP connection').selectOption('starttls');
    await box.getByLabel('SMTP port').fill('587');
    await page.getByRole('button', { name: 'Create credential' }).click();
    const shown = page.getByRole('status').filter({ hasText: 'Secret for “客服邮箱”' });
    await shown.waitFor();
    await page.getByRole('button', { name: 'Saved it, close' }).click();
    const row = page.getByRole('listitem').filter({ hasText: '客服邮箱' });
    await row.getByText('Replies leave from the mailbox support@lianjie.example').waitFor();
    const routes = page.getByRole('region', { name: 'Where replies leave' });
    await routes.getByRole('listitem').filter({ hasText: 'Email' })
      .getByText('through “客服邮箱” (support@lianjie.example)').waitFor();
    assert.ok(!(await page.content()).includes('app-password-1'), 'the password is not shown again');
  }, { expectedErrors: [/status of 422/] }));
