"""The markdown written to results.md: machine, date, settings, then one table per part."""
import os
import platform
import statistics
import subprocess
import time


def med(xs):
    """Median of the non-empty list `xs` (the mean of two for two rounds)."""
    return statistics.median(xs) if xs else None


def fmt(x, digits=1):
    """A number with thousands separators, or a dash when missing."""
    if x is None:
        return "–"
    return f"{x:,.{digits}f}" if digits else f"{x:,.0f}"


def machine():
    """One line naming the machine."""
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(l.split(":", 1)[1].strip() for l in f if l.startswith("model name"))
    except (OSError, StopIteration):
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    load = os.getloadavg()[0]
    rust = subprocess.run(["rustc", "--version"], capture_output=True, text=True).stdout.strip()
    return (f"{os.cpu_count()} vCPUs ({cpu}), {mem:.0f} GiB, Linux {platform.release()}, "
            f"{rust}; load average at start {load:.2f}")


WORKLOADS = [
    ("ping", "GET /api/server/ping"),
    ("history", "GET /api/messaging/channels/:id/messages (50 messages)"),
    ("post", "POST /api/messaging/channels/:id/messages"),
    ("session", "session create + message (POST /sessions, POST /sessions/:id/messages)"),
]


def workload_table(res, names, peer_name):
    """Per workload and server: medians of req/s, p50, p99, errors and the ratio to elizaOS."""
    lines = ["| workload | server | req/s | p50 ms | p99 ms | errors (non-2xx) | vs elizaOS |",
             "|---|---|---:|---:|---:|---:|---:|"]
    for key, label in WORKLOADS:
        peer = res.get(peer_name, {}).get(key)
        peer_rps = med([r["rps"] for r in peer]) if peer else None
        for name in names:
            runs = res.get(name, {}).get(key)
            if not runs:
                continue
            rps = med([r["rps"] for r in runs])
            extra = ""
            if key == "session":
                extra = f" ({fmt(med([r['flows_per_s'] for r in runs]), 0)} flows/s)"
            ratio = f"{rps / peer_rps:.1f}x" if peer_rps and name != peer_name else ""
            errors = sum(r["errors"] for r in runs)
            non2xx = sum(r["non2xx"] for r in runs)
            lines.append(f"| {label} | {name} | {fmt(rps, 0)}{extra} | "
                         f"{fmt(med([r['p50_ms'] for r in runs]), 2)} | "
                         f"{fmt(med([r['p99_ms'] for r in runs]), 2)} | {errors} ({non2xx}) | {ratio} |")
    return lines


def raw_rounds(res):
    """Every round's numbers, for the record."""
    lines = ["| server | workload | round | req/s | p50 ms | p99 ms | errors | settle s before |",
             "|---|---|---:|---:|---:|---:|---:|---:|"]
    for name, per in res.items():
        for key, runs in per.items():
            for i, r in enumerate(runs, 1):
                lines.append(f"| {name} | {key} | {i} | {fmt(r['rps'], 0)} | {fmt(r['p50_ms'], 2)} | "
                             f"{fmt(r['p99_ms'], 2)} | {r['errors']} | {fmt(r.get('settle_s'), 1)} |")
    return lines


def startup_table(targets, cold_runs):
    """Cold start and memory per server."""
    lines = ["| server | cold start to healthy | idle RSS MiB | peak RSS MiB (after the workloads) |",
             "|---|---:|---:|---:|"]
    for t in targets:
        runs = cold_runs.get(t.name)
        if runs:
            cold = f"{med(runs) * 1000:.1f} ms median of {len(runs)} ({min(runs) * 1000:.1f}–{max(runs) * 1000:.1f})"
        else:
            cold = f"{t.cold_start_s * 1000:,.0f} ms (one start)"
        lines.append(f"| {t.name} | {cold} | {fmt(t.idle_rss)} | {fmt(getattr(t, 'peak_rss', None))} |")
    return lines


def paging_table(paging):
    """p50/p99 of each page query at each size, and the big/small ratio of the p50s."""
    lines = []
    for backend, (out, fills) in paging.items():
        small_n, big_n = sorted(fills)
        if not lines:
            lines = [f"| backend | page | p50 at {small_n:,} | p50 at {big_n:,} | ratio | "
                     f"p99 at {big_n:,} | target ≤ 2x |", "|---|---|---:|---:|---:|---:|---|"]
        for q, by_size in out.items():
            small, big = by_size.get(small_n), by_size.get(big_n)
            if not (small and big):
                continue
            ratio = big["p50_ms"] / small["p50_ms"]
            lines.append(f"| {backend} | {q} | {small['p50_ms']:.2f} ms | {big['p50_ms']:.2f} ms | "
                         f"{ratio:.2f}x | {big['p99_ms']:.2f} ms | {'met' if ratio <= 2 else 'MISSED'} |")
        lines.append(f"| {backend} | (bulk insert time) | {fills[small_n]:.1f} s | "
                     f"{fills[big_n]:.1f} s | | | |")
    return lines


def fanout_table(fanout):
    """The Socket.IO fan-out numbers: one row per run."""
    lines = ["| server | how | clients | deliveries | p50 ms | p99 ms | max ms |",
             "|---|---|---:|---:|---:|---:|---:|"]
    for name, how, r in fanout:
        if isinstance(r, str):
            lines.append(f"| {name} | {how} | | | {r} | | |")
            continue
        lines.append(f"| {name} | {how} | {r['clients']:,} | {r['deliveries']:,} | "
                     f"{r['p50_ms']:.1f} | {r['p99_ms']:.1f} | {r['max_ms']:.1f} |")
    return lines


def write(path, args, targets, res, cold_runs, paging, fanout, notes, started):
    """Writes the whole report to `path` and returns its text."""
    names = [t.name for t in targets]
    peer_name = next((n for n in names if n.startswith("elizaOS")), "")
    out = [f"# Benchmark run {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime(started))}", "",
           f"Machine: {machine()}.", "",
           f"Command: `cargo xtask bench{' --quick' if args.quick else ''}`; "
           f"{args.connections} connections, {args.seconds} s per workload, {args.rounds} round(s), "
           f"medians; server on CPU {args.server_cpu}, wrk (1 thread) on CPU {args.load_cpu}. "
           f"Run took {time.time() - started:.0f} s.", ""]
    out += ["## Throughput and latency", ""] + workload_table(res, names, peer_name) + [""]
    out += ["## Start-up and memory", ""] + startup_table(targets, cold_runs) + [""]
    if fanout:
        out += ["## Socket.IO fan-out", ""] + fanout_table(fanout) + [""]
    if paging:
        out += ["## History paging", ""] + paging_table(paging) + [""]
    out += ["## Notes", ""] + [f"- {n}" for n in notes] + [""]
    out += ["## Raw rounds", ""] + raw_rounds(res) + [""]
    text = "\n".join(out)
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)
    return text
