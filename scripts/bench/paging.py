"""History paging at scale (target: a page at 1,000,000 messages within 2x of one at 1,000).

Two channels per agentd backend, filled by one bulk INSERT each straight into
`central_messages` (ids, gap-free seq and increasing created_at, as the storage would write
them; `channels.last_seq` set to match), then the same page requests are timed through HTTP
with one wrk connection: the latest page, a middle page by `before_seq`, by `after_seq`, and
by `before` (a timestamp, as the elizaOS UI pages).
"""
import sqlite3
import subprocess
import time
import uuid

import procs
import wrk

SQLITE_FILL = """
WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < :n)
INSERT INTO central_messages (id, channel_id, seq, author_id, content, source_type,
                              created_at, updated_at)
SELECT printf('%s-0000-4000-8000-%012x', :tag, n), :channel, n, :author,
       'paging benchmark message ' || n, 'eliza_gui', ts, ts
FROM (SELECT n, strftime('%Y-%m-%dT%H:%M:%f', :now,
                         printf('-%d.%03d seconds', (:n - n) / 1000, (:n - n) % 1000)) || '000Z' AS ts
      FROM s)
"""

PG_FILL = """
INSERT INTO central_messages (id, channel_id, seq, author_id, content, source_type,
                              created_at, updated_at)
SELECT ('{tag}-0000-4000-8000-' || lpad(to_hex(n), 12, '0'))::uuid, '{channel}'::uuid, n,
       '{author}'::uuid, 'paging benchmark message ' || n, 'eliza_gui',
       now() - ({n} - n) * interval '1 millisecond', now() - ({n} - n) * interval '1 millisecond'
FROM generate_series(1, {n}) AS n;
UPDATE channels SET last_seq = {n} WHERE id = '{channel}';
ANALYZE central_messages;
"""


def _channel(t, user):
    s, b = procs.request(t.port, "POST", "/api/messaging/channels", {
        "name": "paging", "message_server_id": t.seed["server"], "type": "GROUP",
        "participantCentralUserIds": [user]})
    if s != 201:
        raise RuntimeError(f"paging: channel create answered {s}: {b}")
    return b["data"]["id"]


def fill(t, channel, user, n, tag):
    """Bulk-inserts `n` messages into `channel` on `t`'s database."""
    if t.pg_url:
        sql = PG_FILL.format(tag=tag, channel=channel, author=user, n=n)
        subprocess.run(["psql", t.pg_url, "-qAt", "-v", "ON_ERROR_STOP=1", "-c", sql],
                       check=True, stdout=subprocess.DEVNULL, timeout=600)
        return
    db = sqlite3.connect(f"{t.data_dir}/agentd.db", timeout=60)
    try:
        with db:
            now = db.execute("SELECT strftime('%Y-%m-%d %H:%M:%f', 'now')").fetchone()[0]
            db.execute(SQLITE_FILL, {"n": n, "tag": tag, "channel": channel, "author": user,
                                     "now": now})
            db.execute("UPDATE channels SET last_seq = ? WHERE id = ?", (n, channel))
    finally:
        db.close()


def queries(t, channel, n):
    """The page requests timed per channel: name -> path."""
    mid = n // 2
    s, b = procs.request(t.port, "GET",
                         f"/api/messaging/channels/{channel}/messages?limit=1&before_seq={mid + 1}")
    mid_ms = b["data"]["messages"][0]["created_at"]
    base = f"/api/messaging/channels/{channel}/messages?limit=50"
    return {
        "latest page": base,
        "middle, before_seq": f"{base}&before_seq={mid}",
        "middle, after_seq": f"{base}&after_seq={mid}",
        "middle, before (ms)": f"{base}&before={mid_ms}",
    }


def run(t, tmp, seconds, load_cpu, sizes=(1_000, 1_000_000)):
    """Fills one channel per size and times each page query on each; returns
    {query: {size: p50_ms}} plus the fill times."""
    user = str(uuid.uuid4())
    lua = wrk.script(tmp, "paging", wrk.GET)
    out, fills = {}, {}
    for i, n in enumerate(sizes):
        channel = _channel(t, user)
        t0 = time.perf_counter()
        fill(t, channel, user, n, f"{0xb0000000 + i:08x}")
        fills[n] = time.perf_counter() - t0
        for name, path in queries(t, channel, n).items():
            r = wrk.run(t.url(path), lua, seconds, 1, load_cpu)
            if r["errors"]:
                raise RuntimeError(f"paging {name} at {n}: {r['errors']} errors")
            out.setdefault(name, {})[n] = r
    return out, fills
