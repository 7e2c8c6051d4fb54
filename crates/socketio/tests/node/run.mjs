// Drives the real socket.io-client against the Rust test server.
// usage: node run.mjs <scenario> <url> <transports: default|websocket|polling>
// Prints "PASS <scenario>" and exits 0, or prints the failure and exits 1.
import { io } from "socket.io-client";
import assert from "node:assert/strict";

const [scenario, url, transportArg] = process.argv.slice(2);
const transports =
  transportArg === "default" ? undefined : transportArg === "polling" ? ["polling"] : ["websocket"];
const ENTITY = "2f8a1b9c-3d4e-4f5a-8b6c-7d8e9f0a1b2c";

const sockets = [];
function connect(auth = { entityId: ENTITY }) {
  const options = { auth, reconnection: false, forceNew: true, timeout: 4000 };
  if (transports) options.transports = transports;
  const socket = io(url, options);
  sockets.push(socket);
  return socket;
}
function once(emitter, event, ms = 4000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timeout waiting for ${event}`)), ms);
    emitter.once(event, (...args) => {
      clearTimeout(timer);
      resolve(args);
    });
  });
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function connected(socket) {
  const welcome = once(socket, "welcome");
  const [result] = await Promise.race([
    once(socket, "connect").then(() => [null]),
    once(socket, "connect_error").then(([err]) => { throw new Error(`connect_error: ${err.message}`); }),
  ]);
  return (await welcome)[0];
}
function expectedFinalTransport() {
  return transportArg === "polling" ? "polling" : "websocket";
}
async function settledTransport(socket) {
  if (transportArg === "default" && socket.io.engine.transport.name !== "websocket") {
    await once(socket.io.engine, "upgrade", 4000);
  }
  return socket.io.engine.transport.name;
}

const scenarios = {
  async basic() {
    const s = connect();
    const welcome = await connected(s);
    assert.equal(welcome.socketId, s.id);
    assert.equal(welcome.entityId, ENTITY);
    const payload = { hello: "world", n: 42, nested: [1, "two", null], unicode: "héllo \u{1F600}" };
    assert.deepEqual(await s.timeout(3000).emitWithAck("echo", payload), payload);
    assert.equal(await settledTransport(s), expectedFinalTransport());
    for (let i = 0; i < 50; i++) {
      assert.equal(await s.timeout(3000).emitWithAck("echo", i), i);
    }
    const big = "x".repeat(900_000);
    assert.equal((await s.timeout(5000).emitWithAck("echo", big)).length, big.length);
    assert.ok(s.connected);
  },

  async rooms() {
    const a = connect();
    const b = connect();
    const c = connect();
    await Promise.all([connected(a), connected(b), connected(c)]);
    assert.deepEqual(await a.timeout(3000).emitWithAck("join", "room-1"), { joined: "room-1" });
    assert.deepEqual(await b.timeout(3000).emitWithAck("join", "room-1"), { joined: "room-1" });
    const got = { a: [], b: [], c: [] };
    a.on("shouted", (m) => got.a.push(m));
    b.on("shouted", (m) => got.b.push(m));
    c.on("shouted", (m) => got.c.push(m));
    const ack = await a.timeout(3000).emitWithAck("shout", { room: "room-1", text: "hi" });
    assert.deepEqual(ack, { delivered: 1 });
    await sleep(400);
    assert.deepEqual(got.b, [{ text: "hi", from: a.id }]);
    assert.deepEqual(got.a, [], "the sender must not receive its own broadcast");
    assert.deepEqual(got.c, [], "a socket outside the room must not receive it");
  },

  async bad_handshake() {
    for (const auth of [{ entityId: "not-a-uuid" }, {}]) {
      const s = connect(auth);
      const [err] = await once(s, "connect_error");
      assert.equal(err.message, "Valid entityId required");
      assert.ok(!s.connected);
      s.close();
    }
  },

  async oversize() {
    const s = connect();
    await connected(s);
    await settledTransport(s);
    const disconnected = once(s, "disconnect", 5000);
    s.emit("echo", "y".repeat(1_100_000));
    const [reason] = await disconnected;
    assert.ok(["transport close", "transport error"].includes(reason), `reason ${reason}`);
  },

  async heartbeat() {
    const s = connect();
    await connected(s);
    const id = s.id;
    let pings = 0;
    s.io.engine.on("ping", () => pings++);
    await sleep(1500);
    assert.ok(s.connected, "still connected");
    assert.equal(s.id, id);
    assert.ok(pings >= 4, `only ${pings} pings`);
    assert.equal(await s.timeout(3000).emitWithAck("echo", "alive"), "alive");
  },

  async kick() {
    const s = connect();
    await connected(s);
    const disconnected = once(s, "disconnect");
    s.emit("kick");
    const [reason] = await disconnected;
    assert.equal(reason, "io server disconnect");
  },
};

const watchdog = setTimeout(() => {
  console.error(`FAIL ${scenario} ${transportArg}: watchdog timeout`);
  process.exit(1);
}, 15000);
try {
  await scenarios[scenario]();
  console.log(`PASS ${scenario} ${transportArg}`);
  for (const s of sockets) s.close();
  clearTimeout(watchdog);
  process.exit(0);
} catch (err) {
  console.error(`FAIL ${scenario} ${transportArg}: ${err.stack || err}`);
  process.exit(1);
}
