"""The load generator: `wrk` with a Lua script per workload, pinned to its own core.

Each script ends with a `done()` that prints one `BENCH_JSON {...}` line (requests,
duration, p50/p99 latency, every error class including non-2xx/3xx responses, and
`flows` for the session workload), so nothing is scraped from wrk's human output.
"""
import json
import os
import shutil
import subprocess

DONE = r"""
local threads = {}
function setup(thread) table.insert(threads, thread) end
function done(summary, latency, requests)
  local flows = 0
  for _, t in ipairs(threads) do flows = flows + (t:get("flows") or 0) end
  local e = summary.errors
  io.write(string.format('BENCH_JSON {"requests":%d,"duration_us":%d,"p50_us":%d,"p99_us":%d,'
    .. '"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,"flows":%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect, e.read, e.write, e.status, e.timeout, flows))
end
"""

GET = "flows = 0\n"

POST = """flows = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"author_id":"%(user)s","content":"hello from the benchmark","message_server_id":"%(server)s","source_type":"eliza_gui"}'
"""

# Session create + first message: a create answer queues its session id, the next
# request a connection sends takes one and posts a message to it. A flow = create + message.
SESSION = """flows = 0
local queue = {}
local json_headers = {["Content-Type"] = "application/json"}
local create = '{"agentId":"%(agent)s","userId":"%(user)s"}'
function request()
  local sid = table.remove(queue)
  if sid then
    return wrk.format("POST", "/api/messaging/sessions/" .. sid .. "/messages", json_headers,
      '{"content":"hello from the benchmark"}')
  end
  return wrk.format("POST", "/api/messaging/sessions", json_headers, create)
end
function response(status, headers, body)
  if status ~= 201 then return end
  if string.find(body, '"userMessage"', 1, true) then
    flows = flows + 1
    return
  end
  local sid = string.match(body, '"sessionId"%%s*:%%s*"([%%x%%-]+)"')
  if sid then table.insert(queue, sid) end
end
"""


def ensure_wrk():
    """Installs Debian's wrk with apt-get when it is missing."""
    if shutil.which("wrk"):
        return
    print("bench: wrk not found; installing it with apt-get", flush=True)
    sudo = [] if os.geteuid() == 0 else ["sudo", "-n"]
    subprocess.run(sudo + ["apt-get", "install", "-y", "-q", "wrk"], check=False,
                   stdout=subprocess.DEVNULL)
    if not shutil.which("wrk"):
        subprocess.run(sudo + ["apt-get", "update", "-q"], check=True, stdout=subprocess.DEVNULL)
        subprocess.run(sudo + ["apt-get", "install", "-y", "-q", "wrk"], check=True,
                       stdout=subprocess.DEVNULL)


def script(tmp, name, body, **values):
    """Writes `body % values` plus the common done() to `tmp/name.lua`; returns the path."""
    path = os.path.join(tmp, name + ".lua")
    with open(path, "w") as f:
        f.write((body % values if values else body) + DONE)
    return path


def run(url, lua, seconds, connections, cpu, timeout_s=5):
    """Runs wrk (one thread, `connections` connections) pinned to `cpu`; returns a dict with
    rps, p50_ms, p99_ms, errors, requests, flows_per_s."""
    cmd = ["taskset", "-c", str(cpu), "wrk", "-t1", f"-c{connections}", f"-d{seconds}s",
           f"--timeout={timeout_s}s", "-s", lua, url]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 30)
    line = next((l for l in out.stdout.splitlines() if l.startswith("BENCH_JSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no result: {out.stdout[-500:]} {out.stderr[-500:]}")
    r = json.loads(line[len("BENCH_JSON "):])
    secs = r["duration_us"] / 1e6
    errors = r["connect"] + r["read"] + r["write"] + r["status"] + r["timeout"]
    return {
        "rps": r["requests"] / secs,
        "p50_ms": r["p50_us"] / 1000,
        "p99_ms": r["p99_us"] / 1000,
        "errors": errors,
        "non2xx": r["status"],
        "requests": r["requests"],
        "flows_per_s": r["flows"] / secs,
    }
