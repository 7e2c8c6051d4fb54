// Two agentd instances sharing one database and one NATS: Socket.IO rooms span instances.
// usage: node scale_out.mjs <config JSON>, run with the working directory set to a folder
// where socket.io-client is installed (crates/http-api/tests/node).
// config: {a, b (base URLs), e1, e2, channel, server, transports: "default"|"websocket"}
// Prints "PASS scale_out" and exits 0, or prints the failure and exits 1.
import { createRequire } from "node:module";
import assert from "node:assert/strict";

const require = createRequire(process.cwd() + "/");
const { io } = require("socket.io-client");
const cfg = JSON.parse(process.argv[2]);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const sockets = [];
function connect(url, entityId) {
  const options = { auth: { entityId }, reconnection: false, forceNew: true, timeout: 5000 };
  if (cfg.transports === "websocket") options.transports = ["websocket"];
  const socket = io(url, options);
  socket.seen = [];
  socket.onAny((event, ...args) => socket.seen.push([event, args[0]]));
  sockets.push(socket);
  return new Promise((resolve, reject) => {
    socket.once("connect", () => resolve(socket));
    socket.once("connect_error", (e) => reject(new Error(`connect_error: ${e.message}`)));
  });
}
async function seen(socket, event, pred = () => true, ms = 10000) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const hit = socket.seen.find(([e, d]) => e === event && pred(d));
    if (hit) return hit[1];
    await sleep(10);
  }
  throw new Error(`timeout waiting for ${event}; seen: ${JSON.stringify(socket.seen.map(([e]) => e))}`);
}
const count = (socket, event, pred) => socket.seen.filter(([e, d]) => e === event && pred(d)).length;
async function join(socket, entityId) {
  const payload = { channelId: cfg.channel, roomId: cfg.channel, entityId, messageServerId: cfg.server };
  socket.emit("message", { type: 1, payload });
  await seen(socket, "room_joined", (d) => d.channelId === cfg.channel);
}

async function main() {
  const onA = await connect(cfg.a, cfg.e1);
  const onB = await connect(cfg.b, cfg.e2);
  await join(onA, cfg.e1);
  await join(onB, cfg.e2);

  // 1. A message POSTed over REST to instance B reaches the socket on instance A, once.
  const text = `posted to B ${Date.now()}`;
  const res = await fetch(`${cfg.b}/api/messaging/channels/${cfg.channel}/messages`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ author_id: cfg.e2, content: text, message_server_id: cfg.server }),
  });
  assert.ok(res.ok, `POST to B: ${res.status} ${await res.text()}`);
  const got = await seen(onA, "messageBroadcast", (d) => d.text === text);
  assert.equal(got.channelId, cfg.channel);
  assert.equal(got.senderId, cfg.e2);
  assert.equal(typeof got.seq, "number");
  // B's own socket gets it too (local delivery on the publishing instance).
  await seen(onB, "messageBroadcast", (d) => d.text === text);

  // 2. A Socket.IO send on instance A reaches the socket on instance B.
  const said = `sent on A ${Date.now()}`;
  onA.emit("message", {
    type: 2,
    payload: {
      channelId: cfg.channel,
      messageServerId: cfg.server,
      senderId: cfg.e1,
      senderName: "Tester",
      message: said,
      messageId: "cm-scale",
      source: "test_client",
    },
  });
  await seen(onA, "messageAck", (d) => d.clientMessageId === "cm-scale");
  const relayed = await seen(onB, "messageBroadcast", (d) => d.text === said);
  assert.equal(relayed.senderId, cfg.e1);

  // 3. Exactly once: give any duplicate time to arrive, then count.
  await sleep(700);
  assert.equal(count(onA, "messageBroadcast", (d) => d.text === text), 1, "A saw B's post");
  assert.equal(count(onB, "messageBroadcast", (d) => d.text === text), 1, "B saw its post");
  assert.equal(count(onB, "messageBroadcast", (d) => d.text === said), 1, "B saw A's send");
  assert.equal(count(onA, "messageBroadcast", (d) => d.text === said), 1, "A's echo");
  console.log("PASS scale_out");
}

main()
  .catch((e) => {
    console.log(`FAIL scale_out: ${e.stack || e}`);
    process.exitCode = 1;
  })
  .finally(() => sockets.forEach((s) => s.close()));
