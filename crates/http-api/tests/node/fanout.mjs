// Fan-out benchmark (not a test): N clients in one channel, one sender, delivery
// latency from the sender's emit to each receiver's messageBroadcast.
// usage: node fanout.mjs <url> <clients> <messages> [apiKey]
// env FANOUT_PROCS=P: the receivers live in P worker processes (N/P each) instead of the
//   sender's process (P=0, the default, is the original single-process harness).
// Prints one JSON line: {clients, messages, procs, deliveries, p50_ms, p99_ms, max_ms}.
//
// Clock: process.hrtime is CLOCK_MONOTONIC, one clock for every process on the machine, so
// a timestamp written by the sender can be compared in a worker without calibration.
import { io } from "socket.io-client";
import { randomUUID } from "node:crypto";
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";

const now = () => Number(process.hrtime.bigint()) / 1e6;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const server = "00000000-0000-0000-0000-000000000000";

function opener(url, apiKey) {
  const auth = (entityId) => (apiKey ? { entityId, apiKey } : { entityId });
  return (entityId) =>
    new Promise((resolve, reject) => {
      const s = io(url, { auth: auth(entityId), transports: ["websocket"], reconnection: false, forceNew: true });
      s.once("connect", () => resolve(s));
      s.once("connect_error", reject);
    });
}

// Opens `count` receivers, joins them to the channel, records each delivery's latency.
async function receivers(open, count, channelId, latencies) {
  const sockets = [];
  for (let i = 0; i < count; i += 50) {
    const batch = await Promise.all(Array.from({ length: Math.min(50, count - i) }, () => open(randomUUID())));
    sockets.push(...batch);
  }
  await Promise.all(
    sockets.map(
      (s) =>
        new Promise((resolve) => {
          s.once("room_joined", resolve);
          s.on("messageBroadcast", (m) => {
            const sent = Number(m.text.split(" ")[1]);
            if (!Number.isNaN(sent)) latencies.push(now() - sent);
          });
          s.emit("message", { type: 1, payload: { channelId } });
        }),
    ),
  );
  return sockets;
}

async function waitFor(latencies, want) {
  const deadline = Date.now() + 30000;
  while (latencies.length < want && Date.now() < deadline) await sleep(50);
}

if (process.argv[2] === "--worker") {
  const [, , , url, countArg, channelId, messagesArg, apiKey] = process.argv;
  const count = Number(countArg);
  const latencies = [];
  const sockets = await receivers(opener(url, apiKey || undefined), count, channelId, latencies);
  process.send({ ready: true });
  await waitFor(latencies, count * Number(messagesArg));
  process.send({ latencies }, () => {
    for (const s of sockets) s.disconnect();
    process.exit(0);
  });
} else {
  const [url, nArg, mArg, apiKey] = process.argv.slice(2);
  const N = Number(nArg || 100);
  const M = Number(mArg || 50);
  const P = Number(process.env.FANOUT_PROCS || 0);
  const open = opener(url, apiKey);
  const channelId = randomUUID();
  const sender = await open(randomUUID());
  // The first message creates the channel; the receivers join it after.
  await new Promise((resolve) => {
    sender.once("messageAck", resolve);
    sender.emit("message", { type: 2, payload: { channelId, messageServerId: server, senderId: sender.auth.entityId, message: "setup" } });
  });
  let latencies = [];
  let local = [];
  const workers = [];
  if (P === 0) {
    local = await receivers(open, N, channelId, latencies);
  } else {
    const file = fileURLToPath(import.meta.url);
    for (let w = 0; w < P; w++) {
      const count = Math.floor(N / P) + (w < N % P ? 1 : 0);
      const child = fork(file, ["--worker", url, String(count), channelId, String(M), apiKey || ""]);
      child.result = new Promise((resolve) => child.on("message", (msg) => msg.latencies && resolve(msg.latencies)));
      child.ready = new Promise((resolve) => child.on("message", (msg) => msg.ready && resolve()));
      workers.push(child);
    }
    await Promise.all(workers.map((c) => c.ready));
  }
  for (let i = 0; i < M; i++) {
    sender.emit("message", { type: 2, payload: { channelId, messageServerId: server, senderId: sender.auth.entityId, message: `t ${now()}` } });
    await sleep(20);
  }
  if (P === 0) await waitFor(latencies, N * M);
  else for (const part of await Promise.all(workers.map((c) => c.result))) latencies = latencies.concat(part);
  latencies.sort((a, b) => a - b);
  const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))];
  console.log(JSON.stringify({
    clients: N, messages: M, procs: P, deliveries: latencies.length,
    p50_ms: +pct(50).toFixed(2), p99_ms: +pct(99).toFixed(2), max_ms: +latencies.at(-1).toFixed(2),
  }));
  for (const s of [sender, ...local]) s.disconnect();
  process.exit(0);
}
