// Drives the real socket.io-client 4.8 against agentd's elizaOS event layer.
// usage: node realtime.mjs <scenario> <url> <transports: default|websocket|polling> <config JSON>
// config: {e1, e2, e3, channel, server, apiKey?, agent?}
// Prints "PASS <scenario>" and exits 0, or prints the failure and exits 1.
import { io } from "socket.io-client";
import assert from "node:assert/strict";

const [scenario, url, transportArg, configArg] = process.argv.slice(2);
const cfg = JSON.parse(configArg);
const transports =
  transportArg === "default" ? undefined : transportArg === "polling" ? ["polling"] : ["websocket"];

const sockets = [];
function connect(auth, extra = {}) {
  const options = { auth, reconnection: false, forceNew: true, timeout: 5000, ...extra };
  if (transports) options.transports = transports;
  const socket = io(url, options);
  sockets.push(socket);
  // Record every event from the start, so nothing emitted on connect is missed.
  socket.seen = [];
  socket.onAny((event, ...args) => socket.seen.push([event, args[0]]));
  return socket;
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
function once(emitter, event, ms = 5000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timeout waiting for ${event}`)), ms);
    emitter.once(event, (...args) => {
      clearTimeout(timer);
      resolve(args[0]);
    });
  });
}
// Waits until the socket has seen an event matching `pred` (already seen ones count).
async function seen(socket, event, pred = () => true, ms = 5000) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const hit = socket.seen.find(([e, d]) => e === event && pred(d));
    if (hit) return hit[1];
    await sleep(10);
  }
  throw new Error(`timeout waiting for ${event} on ${socket.id}; seen: ${JSON.stringify(socket.seen.map(([e]) => e))}`);
}
const all = (socket, event, pred = () => true) =>
  socket.seen.filter(([e, d]) => e === event && pred(d)).map(([, d]) => d);
async function connected(socket) {
  const result = await Promise.race([
    once(socket, "connect").then(() => null),
    once(socket, "connect_error").then((err) => err),
  ]);
  if (result) throw new Error(`connect_error: ${result.message}`);
  return socket;
}
async function refused(socket) {
  const err = await once(socket, "connect_error");
  return err.message;
}
function join(socket, payload, bare = false) {
  if (bare) socket.emit("1", payload);
  else socket.emit("message", { type: 1, payload });
  return seen(socket, "room_joined", (d) => d.channelId === payload.channelId);
}
function send(socket, fields, bare = false) {
  const payload = {
    channelId: cfg.channel,
    messageServerId: cfg.server,
    senderId: socket.auth.entityId,
    senderName: "Tester",
    source: "test_client",
    ...fields,
  };
  if (bare) socket.emit("2", payload);
  else socket.emit("message", { type: 2, payload });
}
const key = cfg.apiKey ? { apiKey: cfg.apiKey } : {};

const scenarios = {
  async chat() {
    const a = await connected(connect({ entityId: cfg.e1, ...key }));
    const auth = await seen(a, "authenticated");
    assert.equal(auth.entityId, cfg.e1);
    assert.equal(typeof auth.timestamp, "number");
    const est = await seen(a, "connection_established");
    assert.equal(est.socketId, a.id);
    assert.equal(a.seen[0][0], "authenticated", "authenticated comes first");
    const b = await connected(connect({ entityId: cfg.e2, ...key }));

    const joined = await join(a, { channelId: cfg.channel, roomId: cfg.channel, entityId: cfg.e1 });
    assert.equal(joined.roomId, cfg.channel);
    const cj = await seen(a, "channel_joined");
    assert.match(cj.message, /successfully joined channel/);
    await join(b, { channelId: cfg.channel }, true);

    // Send with a client id: echo + ack to the sender, broadcast to the other.
    send(a, { message: "hello from a", messageId: "cm-1" });
    const echo = await seen(a, "messageBroadcast", (d) => d.clientMessageId === "cm-1");
    const ack = await seen(a, "messageAck", (d) => d.clientMessageId === "cm-1");
    assert.equal(ack.status, "received_by_server_and_processing");
    assert.equal(ack.messageId, echo.id);
    assert.equal(ack.channelId, cfg.channel);
    assert.equal(ack.roomId, cfg.channel);
    const got = await seen(b, "messageBroadcast", (d) => d.id === echo.id);
    assert.equal(got.text, "hello from a");
    assert.equal(got.senderId, cfg.e1);
    assert.equal(got.senderName, "Tester");
    assert.equal(got.channelId, cfg.channel);
    assert.equal(got.roomId, cfg.channel);
    assert.equal(got.serverId, cfg.server);
    assert.equal(got.messageServerId, cfg.server);
    assert.equal(got.source, "test_client");
    assert.equal(typeof got.createdAt, "number");
    assert.equal(got.seq, 1);
    assert.equal(got.clientMessageId, undefined);

    // The bare "2" event works too; the sender gets its echo only once.
    send(b, { message: "hello from b" }, true);
    const fromB = await seen(a, "messageBroadcast", (d) => d.text === "hello from b");
    assert.equal(fromB.seq, 2);
    await seen(b, "messageAck");

    // A retry with the same client id is acknowledged again, not stored twice.
    send(a, { message: "hello from a", messageId: "cm-1" });
    await sleep(300);
    const acks = all(a, "messageAck", (d) => d.clientMessageId === "cm-1");
    assert.equal(acks.length, 2);
    assert.equal(acks[1].messageId, ack.messageId);
    assert.equal(all(b, "messageBroadcast", (d) => d.id === echo.id).length, 1, "retry not re-broadcast");
    assert.equal(all(a, "messageBroadcast", (d) => d.id === echo.id && !d.clientMessageId).length, 0,
      "sender does not get its own message twice");

    // Bad input: a messageError, the socket stays usable.
    send(a, { message: "" });
    const err = await seen(a, "messageError");
    assert.match(err.error, /^For SEND_MESSAGE: channelId, messageServerId/);
    a.emit("message", { type: 1, payload: {} });
    await seen(a, "messageError", (d) => d.error === "channelId is required for joining.");
    a.emit("message", { type: 7, payload: {} });
    a.emit("message", "garbage");
    a.emit("2", null);
    send(a, { message: "still alive" });
    await seen(b, "messageBroadcast", (d) => d.text === "still alive");
    // Unknown server on auto-creation.
    send(a, { channelId: cfg.e3, messageServerId: cfg.e3, message: "x" });
    await seen(a, "messageError", (d) => d.error === `Server ${cfg.e3} does not exist`);
    assert.ok(a.connected && b.connected);
  },

  async agent_reply() {
    const a = await connected(connect({ entityId: cfg.e1, ...key }));
    await join(a, { channelId: cfg.channel });
    send(a, { message: "hello agent" });
    const reply = await seen(a, "messageBroadcast", (d) => d.senderId === cfg.agent);
    assert.equal(reply.text, "echo: hello agent");
    assert.equal(reply.senderName, "Eliza");
    assert.equal(reply.channelId, cfg.channel);
    assert.equal(reply.serverId, cfg.server);
    assert.equal(reply.messageServerId, cfg.server);
    assert.deepEqual(reply.actions, ["REPLY"]);
    const chunk = await seen(a, "messageStreamChunk");
    assert.equal(chunk.channelId, cfg.channel);
    assert.equal(chunk.agentId, cfg.agent);
    assert.equal(chunk.messageId, reply.id);
    await seen(a, "messageComplete", (d) => d.channelId === cfg.channel);
    await seen(a, "controlMessage", (d) => d.action === "enable_input");
    const order = a.seen.map(([e, d]) => (e === "controlMessage" ? d.action : e));
    const disable = order.indexOf("disable_input");
    assert.ok(disable >= 0, `disable_input expected: ${order}`);
    assert.ok(disable < order.indexOf("enable_input"), `disable before enable: ${order}`);
  },

  // A message sent over the socket is handed to the running agent (a real runtime) and
  // ends replied; every change of its delivery state reaches the room as messageDelivery.
  async delivery() {
    const a = await connected(connect({ entityId: cfg.e1, ...key }));
    await join(a, { channelId: cfg.channel });
    send(a, { message: "I feel sad" });
    const ack = await seen(a, "messageAck");
    const mine = (state) => (d) => d.messageId === ack.messageId && d.agentId === cfg.agent && d.state === state;
    await seen(a, "messageDelivery", mine("dispatched"), 10000);
    const done = await seen(a, "messageDelivery", mine("replied"), 20000);
    assert.equal(done.channelId, cfg.channel);
    await seen(a, "messageBroadcast", (d) => d.senderId === cfg.agent, 10000);
  },

  // The agent's model fails: the delivery ends errored with the provider's code, and the
  // room gets messageError naming the agent and the code.
  async model_failure() {
    const a = await connected(connect({ entityId: cfg.e1, ...key }));
    await join(a, { channelId: cfg.channel });
    send(a, { message: "hello" });
    const ack = await seen(a, "messageAck");
    const errored = await seen(a, "messageDelivery",
      (d) => d.messageId === ack.messageId && d.state === "errored", 20000);
    assert.equal(errored.agentId, cfg.agent);
    assert.equal(errored.reason, cfg.code);
    const err = await seen(a, "messageError", (d) => d.messageId === ack.messageId, 10000);
    assert.equal(err.agentId, cfg.agent);
    assert.equal(err.code, cfg.code);
    assert.equal(err.channelId, cfg.channel);
    assert.equal(all(a, "messageBroadcast", (d) => d.senderId === cfg.agent).length, 0);
  },

  async resume() {
    const a = await connected(connect({ entityId: cfg.e1, ...key }));
    const b = await connected(connect({ entityId: cfg.e2, ...key }));
    await join(a, { channelId: cfg.channel });
    await join(b, { channelId: cfg.channel });
    send(b, { message: "before" });
    const before = await seen(a, "messageBroadcast", (d) => d.text === "before");
    const lastSeq = before.seq;
    a.disconnect();
    // 200 messages while A is away.
    for (let i = 0; i < 200; i++) send(b, { message: `away ${i}`, messageId: `away-${i}` });
    const deadline = Date.now() + 15000;
    while (all(b, "messageAck").length < 201 && Date.now() < deadline) await sleep(20);
    assert.equal(all(b, "messageAck").length, 201);
    // A comes back with lastSeq while B keeps talking: history then live, no gap, no dup.
    const a2 = await connected(connect({ entityId: cfg.e1, ...key }));
    a2.emit("message", { type: 1, payload: { channelId: cfg.channel, lastSeq } });
    for (let i = 0; i < 20; i++) send(b, { message: `live ${i}` });
    await seen(a2, "room_joined");
    const want = lastSeq + 220;
    const until = Date.now() + 15000;
    while (all(a2, "messageBroadcast").length < 220 && Date.now() < until) await sleep(20);
    await sleep(300);
    const got = all(a2, "messageBroadcast");
    assert.equal(got.length, 220, `expected 220 messages, got ${got.length}`);
    got.forEach((m, i) => assert.equal(m.seq, lastSeq + 1 + i, `seq at ${i}`));
    assert.equal(got[0].text, "away 0");
    assert.equal(got[199].text, "away 199");
    assert.deepEqual(got.slice(200).map((m) => m.text).sort(), [...Array(20).keys()].map((i) => `live ${i}`).sort());
    assert.equal(got[219].seq, want);
  },

  // The server writes cfg.total messages steadily while this client joins from seq 0:
  // the replay and the live flow must merge into exactly 1..total, in order.
  async resume_busy() {
    await sleep(100);
    const a = await connected(connect({ entityId: cfg.e1, ...key }));
    a.emit("message", { type: 1, payload: { channelId: cfg.channel, lastSeq: 0 } });
    const until = Date.now() + 20000;
    while (all(a, "messageBroadcast").length < cfg.total && Date.now() < until) await sleep(20);
    await sleep(300);
    const got = all(a, "messageBroadcast").map((m) => m.seq);
    assert.equal(got.length, cfg.total, `expected ${cfg.total}, got ${got.length}: ${got.slice(0, 10)}`);
    got.forEach((seq, i) => assert.equal(seq, i + 1, `seq at ${i}`));
  },

  // Joins without lastSeq; the server then writes cfg.total messages: all arrive, in order.
  async live_only() {
    const a = await connected(connect({ entityId: cfg.e1, ...key }));
    await join(a, { channelId: cfg.channel });
    const until = Date.now() + 20000;
    while (all(a, "messageBroadcast").length < cfg.total && Date.now() < until) await sleep(20);
    await sleep(300);
    const got = all(a, "messageBroadcast").map((m) => m.seq);
    assert.equal(got.length, cfg.total, `expected ${cfg.total}, got ${got.length}: ${got.slice(0, 10)}`);
    got.forEach((seq, i) => assert.equal(seq, i + 1, `seq at ${i}`));
  },

  // The server (as REST handlers and runtimes would) publishes channel events on the bus.
  async events() {
    const a = await connected(connect({ entityId: cfg.e1, ...key }));
    await join(a, { channelId: cfg.channel });
    const m = await seen(a, "messageBroadcast");
    assert.equal(m.senderName, "Rest User");
    assert.equal(m.source, "eliza_gui");
    const ch = cfg.channel;
    const edit = await seen(a, "messageBroadcast", (d) => d.updatedAt !== undefined);
    assert.equal(edit.id, m.id);
    assert.equal(edit.seq, m.seq);
    assert.equal(edit.text, "edited");
    assert.equal(typeof edit.updatedAt, "number");
    assert.deepEqual(edit.rawMessage.actions, ["X"]);
    assert.deepEqual(edit.attachments, [{ url: `/media/generated/${cfg.e2}/f.png` }]);
    assert.deepEqual(await seen(a, "messageDeleted"), { messageId: m.id, channelId: ch, roomId: ch, seq: m.seq });
    const upd = await seen(a, "channelUpdated");
    assert.equal(upd.updates.id, ch);
    assert.equal(upd.updates.messageServerId, cfg.server);
    const serr = await seen(a, "messageStreamError");
    assert.equal(serr.code, "MODEL_TIMEOUT");
    assert.equal(serr.error, "MODEL_TIMEOUT");
    assert.equal(serr.agentId, cfg.agent);
    assert.equal(serr.channelId, ch);
    const delivery = await seen(a, "messageDelivery");
    assert.equal(delivery.state, "errored");
    assert.equal(delivery.reason, "MODEL_TIMEOUT");
    assert.equal(delivery.agentId, cfg.agent);
    const failed = await seen(a, "messageError");
    assert.equal(failed.code, "MODEL_TIMEOUT");
    assert.equal(failed.agentId, cfg.agent);
    assert.equal(failed.channelId, ch);
    assert.deepEqual(await seen(a, "channelCleared"), { channelId: ch, roomId: ch });
    assert.deepEqual(await seen(a, "channelDeleted"), { channelId: ch, roomId: ch });
  },

  async bad_handshake() {
    assert.equal(await refused(connect({ entityId: "not-a-uuid", ...key })), "Valid entityId required");
    assert.equal(await refused(connect(undefined)), cfg.apiKey ? "Invalid or missing API Key" : "Valid entityId required");
    if (cfg.apiKey) {
      assert.equal(await refused(connect({ entityId: cfg.e1 })), "Invalid or missing API Key");
      assert.equal(await refused(connect({ entityId: cfg.e1, apiKey: cfg.apiKey + "x" })), "Invalid or missing API Key");
      await connected(connect({ entityId: cfg.e1, apiKey: cfg.apiKey }));
      await connected(connect({ entityId: cfg.e1 }, { extraHeaders: { "x-api-key": cfg.apiKey } }));
    }
    assert.equal(
      await refused(connect({ entityId: cfg.e1, ...key }, { extraHeaders: { origin: "http://evil.test" } })),
      "Origin not allowed",
    );
  },

  // ENTITY_JOINED: a join naming the entity, then a DM send from another client; the Rust
  // side checks what the channel's agents recorded once the server has answered both.
  async entity_joined() {
    const a = await connected(connect({ entityId: cfg.e1, ...key }));
    await join(a, { channelId: cfg.channel, entityId: cfg.e1, username: "ada", displayName: "Ada Lovelace" });
    const b = await connected(connect({ entityId: cfg.e2, ...key }));
    send(b, { channelId: cfg.dm, message: "hello in private", senderName: "Bo", metadata: { isDm: true } });
    await seen(b, "messageAck", (d) => d.channelId === cfg.dm);
  },

  async auth_rules() {
    const outsider = await connected(connect({ entityId: cfg.e2, ...key }));
    outsider.emit("message", { type: 1, payload: { channelId: cfg.channel } });
    const denied = await seen(outsider, "messageError");
    assert.equal(denied.error, "Access denied: You don't have permission to join this channel");
    assert.equal(all(outsider, "room_joined").length, 0);
    const a = await connected(connect({ entityId: cfg.e1, ...key }));
    const c = await connected(connect({ entityId: cfg.e3, ...key }));
    await join(a, { channelId: cfg.channel });
    await join(c, { channelId: cfg.channel });
    // A claims to be the outsider: the handshake's entity wins.
    send(a, { message: "spoof", senderId: cfg.e2 });
    const seenByC = await seen(c, "messageBroadcast", (d) => d.text === "spoof");
    assert.equal(seenByC.senderId, cfg.e1);
    // The outsider cannot post into the channel either, whatever it claims.
    send(outsider, { message: "intrude", senderId: cfg.e1 });
    await seen(outsider, "messageError", (d) => /Access denied/.test(d.error));
    await sleep(200);
    assert.equal(all(c, "messageBroadcast", (d) => d.text === "intrude").length, 0);
    assert.equal(all(outsider, "messageBroadcast").length, 0, "outsider saw channel traffic");
  },

  async logs() {
    assert.equal(await refused(connect({ entityId: cfg.e1 })), "Invalid or missing API Key");
    const s = await connected(connect({ entityId: cfg.e1, ...key }));
    s.emit("update_log_filters", { level: "info" });
    const notSub = await seen(s, "log_filters_updated");
    assert.deepEqual(notSub, { success: false, error: "Not subscribed to log stream" });
    s.emit("subscribe_logs");
    const conf = await seen(s, "log_subscription_confirmed");
    assert.deepEqual(conf, { subscribed: true, message: "Successfully subscribed to log stream" });
    s.emit("update_log_filters", { level: "info" });
    const upd = await seen(s, "log_filters_updated", (d) => d.success);
    assert.deepEqual(upd.filters, { agentName: "all", level: "info" });
    // A refused handshake is logged once, and streamed once.
    await refused(connect({ entityId: "bad", ...key }));
    const entry = await seen(s, "log_stream", (d) => /handshake refused/.test(d.payload.msg));
    assert.equal(entry.type, "log_entry");
    assert.equal(entry.payload.level, 30);
    assert.equal(typeof entry.payload.time, "number");
    await sleep(300);
    assert.equal(all(s, "log_stream", (d) => /handshake refused/.test(d.payload.msg)).length, 1);
    // A level filter above info hides it.
    s.emit("update_log_filters", { level: "error" });
    await seen(s, "log_filters_updated", (d) => d.success && d.filters.level === "error");
    await refused(connect({ entityId: "bad2", ...key }));
    await sleep(300);
    assert.equal(all(s, "log_stream", (d) => /handshake refused/.test(d.payload.msg)).length, 1);
    s.emit("unsubscribe_logs");
    await seen(s, "log_subscription_confirmed", (d) => d.subscribed === false);
  },
};

const timer = setTimeout(() => {
  console.log(`FAIL ${scenario}: overall timeout`);
  process.exit(1);
}, 60000);
try {
  await scenarios[scenario]();
  console.log(`PASS ${scenario}`);
  clearTimeout(timer);
  for (const s of sockets) s.disconnect();
  process.exit(0);
} catch (err) {
  console.log(`FAIL ${scenario}: ${err.stack || err}`);
  process.exit(1);
}
