// Fan-out benchmark (issue 5; not a test): N clients in one channel, one sender, delivery
// latency from the sender's emit to each receiver's messageBroadcast.
// usage: node fanout.mjs <url> <clients> <messages> [apiKey]
// Prints one JSON line: {clients, messages, deliveries, p50_ms, p99_ms, max_ms}.
import { io } from "socket.io-client";
import { randomUUID } from "node:crypto";

const [url, nArg, mArg, apiKey] = process.argv.slice(2);
const N = Number(nArg || 100);
const M = Number(mArg || 50);
const channelId = randomUUID();
const server = "00000000-0000-0000-0000-000000000000";
const auth = (entityId) => (apiKey ? { entityId, apiKey } : { entityId });
const open = (entityId) =>
  new Promise((resolve, reject) => {
    const s = io(url, { auth: auth(entityId), transports: ["websocket"], reconnection: false, forceNew: true });
    s.once("connect", () => resolve(s));
    s.once("connect_error", reject);
  });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const sender = await open(randomUUID());
// The first message creates the channel; the receivers join it after.
await new Promise((resolve) => {
  sender.once("messageAck", resolve);
  sender.emit("message", { type: 2, payload: { channelId, messageServerId: server, senderId: sender.auth.entityId, message: "setup" } });
});
const latencies = [];
const receivers = [];
for (let i = 0; i < N; i += 50) {
  const batch = await Promise.all(Array.from({ length: Math.min(50, N - i) }, () => open(randomUUID())));
  receivers.push(...batch);
}
await Promise.all(
  receivers.map(
    (s) =>
      new Promise((resolve) => {
        s.once("room_joined", resolve);
        s.on("messageBroadcast", (m) => {
          const sent = Number(m.text.split(" ")[1]);
          if (!Number.isNaN(sent)) latencies.push(performance.now() - sent);
        });
        s.emit("message", { type: 1, payload: { channelId } });
      }),
  ),
);
for (let i = 0; i < M; i++) {
  sender.emit("message", { type: 2, payload: { channelId, messageServerId: server, senderId: sender.auth.entityId, message: `t ${performance.now()}` } });
  await sleep(20);
}
const deadline = Date.now() + 30000;
while (latencies.length < N * M && Date.now() < deadline) await sleep(50);
latencies.sort((a, b) => a - b);
const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))];
console.log(JSON.stringify({
  clients: N, messages: M, deliveries: latencies.length,
  p50_ms: +pct(50).toFixed(2), p99_ms: +pct(99).toFixed(2), max_ms: +latencies.at(-1).toFixed(2),
}));
for (const s of [sender, ...receivers]) s.disconnect();
process.exit(0);
