#!/usr/bin/env python3
"""`cargo xtask bench`: agentd side by side with the elizaOS 1.7.2 server.

Started by xtask after it built the release binaries; see docs/BENCHMARKS.md. Everything it
starts runs on loopback in its own process group and is stopped on exit, on Ctrl-C, on any
failure and at the overall deadline (`--timeout`); the report is written even then, with
what was measured so far.
"""
import argparse
import importlib.util
import json
import os
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import paging  # noqa: E402
import procs  # noqa: E402
import report  # noqa: E402
import targets  # noqa: E402
import wrk  # noqa: E402


class Deadline(Exception):
    """The overall time budget ran out."""


def parse():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--repo", required=True, help="repository root")
    p.add_argument("--agentd", required=True, help="release agentd binary")
    p.add_argument("--hello", required=True, help="release agentd-hello binary")
    p.add_argument("--target-dir", required=True, help="cargo target dir (peer and results go under bench/)")
    p.add_argument("--out", help="results file (default <target-dir>/bench/results.md)")
    p.add_argument("--quick", action="store_true", help="1 round of 3 s, smaller fan-out and paging")
    p.add_argument("--postgres", default=os.environ.get("AGENTD_TEST_POSTGRES_URL"),
                   help="PostgreSQL admin URL (a fresh database is created next to it)")
    p.add_argument("--shared", help="the shared/ dir holding peer/peer.sh")
    p.add_argument("--no-peer", action="store_true")
    p.add_argument("--no-fanout", action="store_true")
    p.add_argument("--no-paging", action="store_true")
    p.add_argument("--timeout", type=int, default=None, help="overall deadline, seconds")
    p.add_argument("--server-cpu", type=int, default=0)
    p.add_argument("--load-cpu", type=int, default=1)
    a = p.parse_args()
    a.seconds = 3 if a.quick else 10
    a.rounds = 1 if a.quick else 2
    a.connections = 50
    a.settle = 5 if a.quick else 20
    a.fanout_clients = 100 if a.quick else 1000
    a.paging_seconds = 1 if a.quick else 3
    a.paging_big = 100_000 if a.quick else 1_000_000
    a.timeout = a.timeout or (300 if a.quick else 570)
    a.out = a.out or os.path.join(a.target_dir, "bench", "results.md")
    return a


def find_peer(a, notes):
    """`peer.sh` from `--shared`, `<repo>/../shared` or next to the main worktree; None
    (with a note) when absent."""
    cands = [a.shared] if a.shared else []
    cands.append(os.path.join(a.repo, "..", "shared"))
    common = subprocess.run(["git", "-C", a.repo, "rev-parse", "--path-format=absolute",
                             "--git-common-dir"], capture_output=True, text=True).stdout.strip()
    if common:
        cands.append(os.path.join(os.path.dirname(common), "..", "shared"))
    for c in cands:
        sh = os.path.join(c, "peer", "peer.sh")
        if os.path.isfile(sh):
            return os.path.abspath(sh)
    notes.append("elizaOS peer SKIPPED: no shared/peer/peer.sh found (looked in "
                 + ", ".join(os.path.abspath(c) for c in cands) + "); pass --shared DIR")
    return None


def install_peer(peer_sh, peer_dir):
    """`peer.sh install` with bun, once, into `peer_dir` (under the git-ignored target dir)."""
    if os.path.exists(os.path.join(peer_dir, "node_modules", "bun", "bin", "bun.exe")) \
            and os.path.exists(os.path.join(peer_dir, "server.mjs")):
        return
    print(f"bench: installing the elizaOS peer into {peer_dir}", flush=True)
    env = dict(os.environ, PEER_DIR=peer_dir, PEER_WITH_BUN="1")
    out = procs.run_capture(["bash", peer_sh, "install"], timeout=300, env=env)
    if out.returncode != 0:
        raise RuntimeError(f"peer install failed: {out.stdout[-800:]}")


def cold_starts(a, pg):
    """agentd's cold start, repeated with scripts/startup-bench.py's own measurement."""
    spec = importlib.util.spec_from_file_location(
        "startup_bench", os.path.join(a.repo, "scripts", "startup-bench.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    runs = [mod.one_run(a.agentd, pg) for _ in range(3 if a.quick else 10)]
    return [r[0] for r in runs], [r[1] / 1024 for r in runs]


def fanout_node(a, t, script_dir):
    """The fan-out node client harness (`fanout.mjs`) against a running server, pinned to
    the load core."""
    out = procs.run_capture(["taskset", "-c", str(a.load_cpu), "node", "fanout.mjs", t.url(),
                             str(a.fanout_clients), "50"], timeout=150, cwd=script_dir)
    line = next((l for l in out.stdout.splitlines() if l.startswith("{")), None)
    return json.loads(line) if line else f"failed: {out.stdout[-300:]}"


def fanout_in_process(a):
    """The existing fan-out benchmark (docs/BENCHMARKS.md), unchanged: server inside the
    test process, unpinned."""
    # The target dir xtask built this test binary in (its own: see xtask/src/bench.rs).
    env = dict(os.environ, FANOUT_CLIENTS=str(a.fanout_clients),
               CARGO_TARGET_DIR=os.path.join(a.target_dir, "bench-tests"))
    out = procs.run_capture(["cargo", "nextest", "run", "--cargo-profile", "release", "-p",
                             "agentd-http-api", "--all-features", "--run-ignored", "only",
                             "fanout", "--no-capture"], timeout=240, env=env, cwd=a.repo)
    line = next((l for l in out.stdout.splitlines() if l.startswith('{"clients"')), None)
    return json.loads(line) if line else f"failed: {out.stdout[-300:]}"


def bench(a, st):
    """The whole run; fills `st` as it goes so an interrupted run still reports."""
    notes = st["notes"]
    wrk.ensure_wrk()
    logdir = os.path.join(a.target_dir, "bench", "logs")
    os.makedirs(logdir, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix="bench-lua-")
    procs.on_exit(lambda: subprocess.run(["rm", "-rf", tmp], check=False))
    peer_sh = None if a.no_peer else find_peer(a, notes)
    peer_dir = os.path.join(a.target_dir, "bench", "peer")
    if peer_sh:
        install_peer(peer_sh, peer_dir)

    print("bench: cold starts (scripts/startup-bench.py)", flush=True)
    st["cold"]["agentd (SQLite)"], _ = cold_starts(a, None)
    if a.postgres:
        st["cold"]["agentd (PostgreSQL)"], _ = cold_starts(a, a.postgres)
    else:
        notes.append("agentd on PostgreSQL SKIPPED: AGENTD_TEST_POSTGRES_URL is unset")

    print("bench: starting the servers", flush=True)
    ts = st["targets"]
    ts.append(targets.start_hello(a.hello, a.server_cpu, logdir))
    ts.append(targets.start_hello(a.hello, a.server_cpu, logdir, security_headers=True))
    ts.append(targets.start_agentd(a.agentd, a.server_cpu, logdir))
    if a.postgres:
        ts.append(targets.start_agentd(a.agentd, a.server_cpu, logdir, a.postgres))
    if peer_sh:
        ts.append(targets.start_peer(peer_sh, peer_dir, a.server_cpu, logdir))
    time.sleep(1.0)
    for t in ts:
        t.idle_rss = procs.rss_mib(t.proc.pid)
    servers = [t for t in ts if not t.name.startswith("actix-web hello")]
    for t in servers:
        print(f"bench: seeding {t.name}", flush=True)
        targets.seed(t)
        procs.settle(t.proc.pid, a.settle)

    res = st["res"]
    lua = {"ping": wrk.script(tmp, "get", wrk.GET), "history": wrk.script(tmp, "get", wrk.GET)}
    # Workload by workload, in order of side effects: the reads run before any benchmark
    # message exists; the posts and sessions leave agents answering in the background.
    for key in ("ping", "history", "post", "session"):
        for r in range(a.rounds):
            for t in ts:
                s = t.seed
                if not s and key != "ping":
                    continue
                if key in ("post", "session"):
                    lua[key] = wrk.script(tmp, f"{key}-{t.port}", getattr(wrk, key.upper()), **s)
                path = {"ping": "/api/server/ping",
                        "history": f"/api/messaging/channels/{s.get('channel')}/messages",
                        "post": f"/api/messaging/channels/{s.get('channel')}/messages",
                        "session": "/"}[key]
                waited = procs.settle(t.proc.pid, a.settle)
                print(f"bench: {key}, round {r + 1}: {t.name}", flush=True)
                out = wrk.run(t.url(path), lua[key], a.seconds, a.connections, a.load_cpu)
                out["settle_s"] = waited
                res.setdefault(t.name, {}).setdefault(key, []).append(out)
    for t in ts:
        t.peak_rss = procs.peak_rss_mib(t.proc.pid)

    if not a.no_fanout:
        node_dir = os.path.join(a.repo, "crates", "http-api", "tests", "node")
        if os.path.isdir(os.path.join(node_dir, "node_modules")):
            for t in servers:
                if t.name == "agentd (PostgreSQL)":
                    continue
                procs.settle(t.proc.pid, a.settle)
                print(f"bench: fan-out, {a.fanout_clients} clients: {t.name}", flush=True)
                st["fanout"].append((t.name, "fanout.mjs against the server, node on the load CPU",
                                     fanout_node(a, t, node_dir)))
        else:
            notes.append(f"fan-out with fanout.mjs SKIPPED: run `npm ci` in {node_dir}")
    for t in ts:
        if not t.name.startswith("agentd"):
            procs.stop(t.proc)  # frees the cores and memory for what follows

    if not a.no_paging:
        for t in ts:
            if t.name.startswith("agentd"):
                print(f"bench: history paging on {t.name}", flush=True)
                st["paging"][t.name] = paging.run(t, tmp, a.paging_seconds, a.load_cpu,
                                                  (1_000, a.paging_big))
    if not a.no_fanout:
        print(f"bench: fan-out, in-process benchmark, {a.fanout_clients} clients", flush=True)
        st["fanout"].append(("agentd (SQLite)", "in-process test (`cargo nextest ... fanout`), unpinned",
                             fanout_in_process(a)))


def main():
    a = parse()
    started = time.time()
    st = {"targets": [], "res": {}, "cold": {}, "paging": {}, "fanout": [], "notes": [
        "agentd runs with `AGENTD_API_RATE_LIMIT=0` (its limiter is also off by default when "
        "no API key is set); the peer with `PEER_NO_RATELIMIT=1`. Both log at warn level.",
        "Agents answer: agentd's default ELIZA agent and the peer's PeerBot (echo model) reply to "
        "every posted message, so replies are produced in the background during and after the "
        "post and session workloads; before each workload the harness waits (at most "
        f"{a.settle} s) for the server to go idle (column 'settle s' below).",
        "The session row counts both requests of a flow (create + message) in req/s.",
        "Other engineers were building on the same 2 cores during this run: treat the numbers "
        "as noisy unless the load average above is near 0."]}

    def on_signal(signum, _frame):
        raise Deadline() if signum == signal.SIGALRM else KeyboardInterrupt()

    signal.signal(signal.SIGALRM, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    signal.alarm(a.timeout)
    code = 0
    try:
        bench(a, st)
    except Deadline:
        st["notes"].append(f"INCOMPLETE: the overall deadline of {a.timeout} s was reached")
        code = 1
    except KeyboardInterrupt:
        st["notes"].append("INCOMPLETE: interrupted")
        code = 130
    except Exception as e:
        st["notes"].append(f"INCOMPLETE: failed: {e}")
        print(f"bench: FAILED: {e}", flush=True)
        code = 1
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not skip clean-up
        procs.stop_all()
    text = report.write(a.out, a, st["targets"], st["res"], st["cold"], st["paging"],
                        st["fanout"], st["notes"], started)
    print(text)
    print(f"bench: results written to {a.out}")
    return code


if __name__ == "__main__":
    sys.exit(main())
