"""The servers under test: the actix-web hello-world, agentd (SQLite or PostgreSQL) and the
elizaOS 1.7.2 peer (bun), each started on loopback with a fresh data dir, pinned to the
server core, and seeded the same way through the REST API."""
import os
import subprocess
import tempfile
import uuid

import procs


class Target:
    """A running server: its name, process, port, and what seeding created."""

    def __init__(self, name, proc, port, cold_start_s):
        self.name, self.proc, self.port, self.cold_start_s = name, proc, port, cold_start_s
        self.idle_rss = None
        self.seed = {}

    def url(self, path=""):
        """The loopback URL of `path`."""
        return f"http://127.0.0.1:{self.port}{path}"


def _tmpdir(prefix):
    d = tempfile.mkdtemp(prefix=prefix)
    procs.on_exit(lambda: subprocess.run(["rm", "-rf", d], check=False))
    return d


def start_hello(binary, cpu, logdir, security_headers=False):
    """The actix-web hello-world ceiling; with `security_headers`, answering with agentd's
    security headers too (the same bytes on the wire as agentd's ping)."""
    port = procs.free_port()
    env = dict(os.environ, PORT=str(port))
    name, log = "actix-web hello", "hello.log"
    if security_headers:
        env["HELLO_SECURITY_HEADERS"] = "1"
        name, log = "actix-web hello + agentd's security headers", "hello-headers.log"
    p = procs.start([binary], env=env, cpu=cpu, log=os.path.join(logdir, log))
    return Target(name, p, port, procs.wait_healthy(p, port, 10))


def fresh_pg_database(admin_url):
    """Creates an empty database next to `admin_url`'s and registers its drop; returns its URL."""
    name = "bench_" + uuid.uuid4().hex[:12]
    subprocess.run(["psql", admin_url, "-qAtc", f"CREATE DATABASE {name}"], check=True,
                   stdout=subprocess.DEVNULL)

    def drop():
        subprocess.run(["psql", admin_url, "-qAtc", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"],
                       check=False, stdout=subprocess.DEVNULL)

    procs.on_exit(drop)
    return admin_url.rsplit("/", 1)[0] + "/" + name


def agentd_env(port, data_dir, pg_url=None):
    """agentd's environment for the bench: loopback, fresh data dir, warn-level JSON logs,
    and the API rate limiter explicitly off (`AGENTD_API_RATE_LIMIT=0`; it is also off by
    default without an API key), so a load test does not turn into a 429 test."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("AGENTD_", "POSTGRES_", "DATABASE_", "ELIZA_", "SERVER_"))}
    env.update(AGENTD_DATA_DIR=data_dir, SERVER_PORT=str(port), SERVER_HOST="127.0.0.1",
               AGENTD_LOG_FORMAT="json", RUST_LOG="warn", AGENTD_API_RATE_LIMIT="0")
    if pg_url:
        env["POSTGRES_URL"] = pg_url
    return env


def start_agentd(binary, cpu, logdir, pg_admin_url=None):
    """agentd on SQLite (fresh data dir) or on a fresh PostgreSQL database."""
    port = procs.free_port()
    data = _tmpdir("agentd-bench-")
    pg = fresh_pg_database(pg_admin_url) if pg_admin_url else None
    backend = "PostgreSQL" if pg else "SQLite"
    p = procs.start([binary], env=agentd_env(port, data, pg), cpu=cpu,
                    log=os.path.join(logdir, f"agentd-{backend.lower()}.log"))
    t = Target(f"agentd ({backend})", p, port, procs.wait_healthy(p, port, 30))
    t.data_dir, t.pg_url = data, pg
    return t


def start_peer(peer_sh, peer_dir, cpu, logdir):
    """The elizaOS 1.7.2 server on bun with the echo model and without its rate limiter."""
    port = procs.free_port()
    env = dict(os.environ, PEER_DIR=peer_dir, PEER_PORT=str(port), PEER_RUNTIME="bun",
               PEER_ECHO_MODEL="1", PEER_NO_RATELIMIT="1", LOG_LEVEL="warn",
               ELIZA_DATA_DIR=_tmpdir("eliza-bench-"))
    p = procs.start(["bash", peer_sh, "start"], env=env, cpu=cpu,
                    log=os.path.join(logdir, "peer.log"))
    cold = procs.wait_healthy(p, port, 120)
    return Target("elizaOS 1.7.2 (bun)", p, port, cold)


def _ok(status, body, what):
    if status // 100 != 2:
        raise RuntimeError(f"seeding: {what} answered {status}: {body}")
    return body


def wait_agent(t, seconds=30):
    """The first agent of the server, once it reports itself running."""
    import time
    end = time.time() + seconds
    while time.time() < end:
        s, b = procs.request(t.port, "GET", "/api/agents")
        agents = ((b or {}).get("data") or {}).get("agents") or []
        running = [a for a in agents if a.get("status") == "active"]
        if running:
            return running[0]["id"]
        time.sleep(0.2)
    raise RuntimeError(f"{t.name}: no running agent after {seconds} s")


def seed(t, messages=50):
    """One channel with a user and the agent as participants and `messages` user messages
    (each answered by the agent), exactly the same on every server."""
    _, b = procs.request(t.port, "GET", "/api/messaging/message-server/current")
    server = b["data"]["messageServerId"]
    agent = wait_agent(t)
    user = str(uuid.uuid4())
    s, b = procs.request(t.port, "POST", "/api/messaging/channels", {
        "name": "bench", "message_server_id": server, "type": "GROUP",
        "participantCentralUserIds": [user, agent]})
    channel = _ok(s, b, "create channel")["data"]["id"]
    for i in range(messages):
        s, b = procs.request(t.port, "POST", f"/api/messaging/channels/{channel}/messages", {
            "author_id": user, "content": f"seed message {i}", "message_server_id": server,
            "source_type": "eliza_gui"})
        _ok(s, b, "post a seed message")
    t.seed = {"server": server, "agent": agent, "user": user, "channel": channel}
    return t.seed
