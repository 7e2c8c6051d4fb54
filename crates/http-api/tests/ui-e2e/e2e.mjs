// The elizaOS web UI (@elizaos/client 1.7.2) served by agentd, in Debian's headless Chromium:
// open /, see the default agent, open a chat, send a message, see the ELIZA reply, see the
// input enabled again, reload and see the history. Screenshots go to $SHOTS_DIR.
// Fails on any uncaught page error, console error, CSP violation or failed request.
//
// Usage: AGENTD_URL=http://127.0.0.1:PORT SHOTS_DIR=dir node e2e.mjs

import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';

const base = process.env.AGENTD_URL;
const shots = process.env.SHOTS_DIR || 'shots';
const ELIZA = 'b850bc30-45f8-0041-a00a-83df46d8555d';
mkdirSync(shots, { recursive: true });

const problems = [];
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
  ],
});
const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
// The UI also asks GitHub for the latest release and the plugin registry; this machine's
// network is closed, so those (and the console errors they cause) are not agentd's.
const ours = (url) => url.startsWith(base);
const offline = (text) => /ERR_NAME_NOT_RESOLVED|ERR_INTERNET_DISCONNECTED|Failed to fetch from registry/.test(text);
page.on('console', (m) => {
  if (m.type() === 'error' && !offline(m.text())) problems.push(`console error: ${m.text()}`);
});
page.on('requestfailed', (r) => {
  const why = r.failure()?.errorText ?? '';
  // Navigations abort pending polls on reload; that is not a server failure.
  if (ours(r.url()) && !why.includes('ERR_ABORTED')) problems.push(`request failed: ${r.method()} ${r.url()} ${why}`);
});
page.on('response', (r) => {
  if (ours(r.url()) && r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.request().method()} ${r.url()}`);
});

let step = 0;
async function shot(name) {
  step += 1;
  await page.screenshot({ path: `${shots}/${String(step).padStart(2, '0')}-${name}.png`, fullPage: true });
}

async function api(path) {
  const res = await fetch(base + path);
  return (await res.json()).data;
}

async function until(what, fn, ms = 20000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The text of the agent's latest reply in any DM channel with it, from the API. */
async function agentReply(after) {
  const { channels } = await api('/api/messaging/message-servers/00000000-0000-0000-0000-000000000000/channels');
  for (const ch of channels) {
    const { messages } = await api(`/api/messaging/channels/${ch.id}/messages?limit=10`);
    const reply = messages.find((m) => m.authorId === ELIZA && new Date(m.createdAt).getTime() >= after);
    if (reply) return reply.content;
  }
  return null;
}

let failed = false;
try {
  await page.goto(base + '/', { waitUntil: 'networkidle' });
  await page.getByText('Eliza').first().waitFor({ timeout: 20000 });
  await shot('home-with-eliza');

  await page.goto(`${base}/chat/${ELIZA}`, { waitUntil: 'networkidle' });
  const input = page.locator('textarea').first();
  await input.waitFor({ timeout: 20000 });
  await shot('chat-open');

  const sentAt = Date.now() - 1000;
  await input.fill('I feel sad about my work');
  await input.press('Enter');
  await page.getByText('I feel sad about my work').first().waitFor({ timeout: 10000 });
  const reply = await until('the ELIZA reply (API)', () => agentReply(sentAt));
  console.log(`ELIZA replied: ${reply}`);
  await page.getByText(reply.slice(0, 40)).first().waitFor({ timeout: 20000 });
  await until('the input enabled again', () => input.isEnabled());
  await shot('chat-reply');

  await page.reload({ waitUntil: 'networkidle' });
  await page.getByText(reply.slice(0, 40)).first().waitFor({ timeout: 20000 });
  await page.getByText('I feel sad about my work').first().waitFor({ timeout: 20000 });
  await shot('chat-after-reload');
} catch (e) {
  failed = true;
  console.log(`FAIL: ${e.message}`);
  await shot('failure').catch(() => {});
}
await browser.close();

for (const p of problems) console.log(`problem: ${p}`);
if (problems.length > 0) failed = true;
console.log(failed ? 'E2E FAILED' : 'E2E PASSED');
process.exit(failed ? 1 : 0);
