#!/usr/bin/env python3
"""Cold start to first healthy /healthz, and idle RSS, for a built agentd binary.

Usage: scripts/startup-bench.py BINARY [--runs N] [--postgres URL]

Each run starts the binary on a fresh data directory (SQLite) or a fresh PostgreSQL
database, polls GET /healthz on 127.0.0.1 every millisecond, records the time from exec to
the first 200, then reads VmRSS after one idle second and stops the server with SIGTERM.
Loopback only; bounded by --runs and a 10 s timeout per run.
"""
import argparse, os, shutil, signal, socket, statistics, subprocess, tempfile, time, uuid


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def healthy(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2) as s:
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            return s.recv(64).startswith(b"HTTP/1.1 200")
    except OSError:
        return False


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def psql(url, sql):
    subprocess.run(["psql", url, "-qAtc", sql], check=True, stdout=subprocess.DEVNULL)


def one_run(binary, pg_url):
    port = free_port()
    data = tempfile.mkdtemp(prefix="agentd-start-")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AGENTD_", "POSTGRES_", "DATABASE_"))}
    env.update(AGENTD_DATA_DIR=data, SERVER_PORT=str(port), AGENTD_LOG_FORMAT="json", RUST_LOG="warn")
    db = None
    if pg_url:
        db = "startbench_" + uuid.uuid4().hex[:12]
        psql(pg_url, f"CREATE DATABASE {db}")
        env["POSTGRES_URL"] = pg_url.rsplit("/", 1)[0] + "/" + db
    t0 = time.perf_counter()
    proc = subprocess.Popen([binary], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = t0 + 10
        while not healthy(port):
            if time.perf_counter() > deadline or proc.poll() is not None:
                raise RuntimeError("server did not become healthy")
            time.sleep(0.001)
        started = time.perf_counter() - t0
        time.sleep(1.0)
        rss = rss_kib(proc.pid)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=15)
        shutil.rmtree(data, ignore_errors=True)
        if db:
            psql(pg_url, f"DROP DATABASE {db}")
    return started, rss


def main():
    p = argparse.ArgumentParser()
    p.add_argument("binary")
    p.add_argument("--runs", type=int, default=20)
    p.add_argument("--postgres")
    a = p.parse_args()
    results = [one_run(a.binary, a.postgres) for _ in range(a.runs)]
    starts = sorted(r[0] * 1000 for r in results)
    rss = sorted(r[1] / 1024 for r in results)
    backend = "postgres" if a.postgres else "sqlite"
    print(f"{backend}: runs={a.runs} start-to-healthy ms: median {statistics.median(starts):.1f}, "
          f"min {starts[0]:.1f}, max {starts[-1]:.1f}; idle RSS MiB: median {statistics.median(rss):.1f}")


if __name__ == "__main__":
    main()
