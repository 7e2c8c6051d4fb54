"""Processes the benchmark starts, and the small HTTP and /proc helpers it needs.

Every server is started in its own session (process group) and registered here; `stop_all`
kills every registered group (SIGTERM, then SIGKILL), and `run.py` calls it on success,
failure, Ctrl-C and the overall deadline alike, so nothing outlives the run.
"""
import http.client
import json
import os
import signal
import socket
import subprocess
import threading
import time

_started = []  # Popen objects, each the leader of its own process group
_cleanups = []  # callables run by stop_all (database drops, temp dirs)


def free_port():
    """A free loopback TCP port."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(cmd, env=None, cwd=None, cpu=None, log=None):
    """Starts `cmd` in a new process group, pinned to `cpu` with taskset when given.

    stdout is kept in memory (last 200 lines) so a caller can wait for a marker line."""
    if cpu is not None:
        cmd = ["taskset", "-c", str(cpu)] + list(cmd)
    out = open(log, "ab") if log else subprocess.DEVNULL
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=out,
                         start_new_session=True)
    p.lines = []
    p.t0 = t0

    def pump():
        for raw in p.stdout:
            p.lines.append(raw.decode("utf-8", "replace").rstrip())
            del p.lines[:-200]
            if log:
                out.write(raw)
                out.flush()

    threading.Thread(target=pump, daemon=True).start()
    _started.append(p)
    return p


def on_exit(fn):
    """Registers a clean-up to run after every process is stopped."""
    _cleanups.append(fn)


def stop(p, grace=5.0):
    """SIGTERM to the process group, SIGKILL after `grace` seconds."""
    if p.poll() is None:
        try:
            os.killpg(p.pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        try:
            p.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            pass
    try:
        os.killpg(p.pid, signal.SIGKILL)  # stragglers in the group (a runtime's children)
    except ProcessLookupError:
        pass
    p.wait()


def stop_all():
    """Stops every started process group, then runs the registered clean-ups."""
    while _started:
        stop(_started.pop())
    while _cleanups:
        try:
            _cleanups.pop()()
        except Exception as e:  # a failed clean-up must not hide the others
            print(f"bench: clean-up failed: {e}")


def tree(pid):
    """`pid` and all its descendants."""
    pids, todo = [], [pid]
    while todo:
        p = todo.pop()
        pids.append(p)
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    todo.extend(int(c) for c in f.read().split())
        except OSError:
            pass
    return pids


def _status_kib(pid, key):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def rss_mib(pid):
    """Resident memory of the process tree (VmRSS summed), MiB."""
    return sum(_status_kib(p, "VmRSS") for p in tree(pid)) / 1024


def peak_rss_mib(pid):
    """High-water resident memory of the process tree (VmHWM summed), MiB."""
    return sum(_status_kib(p, "VmHWM") for p in tree(pid)) / 1024


def cpu_seconds(pid):
    """User + system CPU time of the process tree so far."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for p in tree(pid):
        try:
            with open(f"/proc/{p}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except (OSError, IndexError, ValueError):
            pass
    return total / tick


def settle(pid, limit, busy=0.05, window=0.5):
    """Waits (at most `limit` s) until the tree uses under `busy` of a core over `window` s:
    agents still answering the previous workload's messages must not load the next one.
    Returns the seconds waited."""
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < limit:
        c0 = cpu_seconds(pid)
        time.sleep(window)
        if cpu_seconds(pid) - c0 < busy * window:
            break
    return time.perf_counter() - t0


def request(port, method, path, body=None, timeout=30):
    """One HTTP/1.1 request to 127.0.0.1:`port`; returns (status, parsed JSON or None)."""
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        headers = {"Content-Type": "application/json"} if body is not None else {}
        c.request(method, path, json.dumps(body) if body is not None else None, headers)
        r = c.getresponse()
        raw = r.read()
        try:
            return r.status, json.loads(raw) if raw else None
        except ValueError:
            return r.status, None
    finally:
        c.close()


def wait_healthy(p, port, deadline_s, path="/healthz"):
    """Polls `path` every millisecond until a 200; returns seconds since the process started."""
    end = time.perf_counter() + deadline_s
    while time.perf_counter() < end:
        if p.poll() is not None:
            raise RuntimeError(f"{p.args} exited with {p.returncode}: {p.lines[-5:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5) as s:
                s.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
                if s.recv(64).startswith(b"HTTP/1.1 200"):
                    return time.perf_counter() - p.t0
        except OSError:
            pass
        time.sleep(0.001)
    raise RuntimeError(f"{p.args} was not healthy on port {port} within {deadline_s} s")


def run_capture(cmd, timeout, env=None, cwd=None):
    """Runs `cmd` to completion in its own process group, output captured; on `timeout` the
    group is killed and the output so far returned with returncode -9."""
    p = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, text=True, start_new_session=True)
    _started.append(p)
    try:
        out, _ = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        stop(p, grace=2)
        out, p.returncode = (p.stdout.read() if p.stdout else ""), -9
    finally:
        if p in _started:
            _started.remove(p)
        if p.poll() is None:
            stop(p, grace=2)
    p.stdout_text = out
    return subprocess.CompletedProcess(cmd, p.returncode, out)
