#!/usr/bin/env python3
"""Hostile clients against the real authd executable, over real loopback sockets.

    hostile_test.py AUTHD_EXECUTABLE GROUP

GROUP is one of json_nesting, methods, preferences, admission, connections, redis_away, chunked, or all.
Each group starts its own `authd serve` (SQLite in a temp folder, PORT=0, the port read from the
"listening on ...:PORT" line on stderr), attacks it, checks after every attack that the process is
still running and that /health/live answers 200, stops it, and prints `N passed, M failed` last.
Exits 1 on any failure. Python 3 standard library only; every loop is bounded in count and time;
only loopback addresses are used. Checks that cannot run here are printed as SKIP and counted
neither passed nor failed.
"""
import json
import os
import random
import re
import select
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from local_servers import AuthdProcess, free_port, poll, read_text, start_redis, stop_redis  # noqa: E402

# ---- results -------------------------------------------------------------------------------------

passed = 0
failed = 0
group_failed = False  # set by check(); the group then prints authd's log tail before it stops it


def check(name, cond, detail=""):
    """One assertion: prints it, counts it, never raises."""
    global passed, failed, group_failed
    if cond:
        passed += 1
        print(f"PASS {name}", flush=True)
    else:
        failed += 1
        group_failed = True
        print(f"FAIL {name}" + (f": {detail}" if detail else ""), flush=True)
    return bool(cond)


def skip(name, reason):
    print(f"SKIP {name}: {reason}", flush=True)


def note(text):
    print(f"  .. {text}", flush=True)


# ---- HTTP over raw sockets -----------------------------------------------------------------------
# Raw sockets rather than http.client: the attacks need methods of 4 KB, a chosen source address,
# half-sent requests, and a precise view of when the server closes a connection.


class Response:
    def __init__(self, status=None, headers=None, body=b"", error=None, elapsed=0.0, closing=False):
        self.status = status  # None: no complete answer (error says why)
        self.headers = headers or {}
        self.body = body
        self.error = error
        self.elapsed = elapsed
        self.closing = closing

    @property
    def json(self):
        try:
            return json.loads(self.body)
        except ValueError:
            return None

    @property
    def code(self):
        j = self.json
        return j.get("code") if isinstance(j, dict) else None

    def __str__(self):
        if self.status is None:
            return f"no answer ({self.error})"
        text = self.body[:160].decode("utf-8", "replace")
        return f"{self.status} {text!r}"


class Closed(Exception):
    pass


class Connection:
    """One client connection; keep-alive, one request at a time."""

    def __init__(self, port, host="127.0.0.1", source=None, timeout=10.0):
        self.sock = socket.create_connection((host, port), timeout=timeout,
                                             source_address=(source, 0) if source else None)
        self.host = host
        self.buf = b""
        self.used = False  # a request went out on it already (then a silent close is a stale keep-alive)
        self.got_bytes = False

    def close(self):
        if self.sock is not None:
            try:
                self.sock.close()
            except OSError:
                pass
            self.sock = None

    def request(self, method, path, headers=(), body=None, timeout=10.0, after_send=None):
        """Sends one request and reads its answer within `timeout` seconds. Never raises."""
        start = time.monotonic()
        deadline = start + timeout
        if isinstance(body, str):
            body = body.encode()
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}"]
        lines += [f"{k}: {v}" for k, v in headers]
        if body is not None:
            lines.append(f"Content-Length: {len(body)}")
        data = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + (body or b"")
        self.got_bytes = False
        send_error = None
        try:
            self.sock.settimeout(timeout)
            self.sock.sendall(data)
        except OSError as e:
            # The server may have answered (413, 400…) before reading everything: still read that answer.
            send_error = e
        self.used = True
        if after_send:
            after_send()
        try:
            status, hdrs, resp_body, closing = self._read_response(method, deadline)
        except (OSError, Closed, ValueError) as e:
            self.close()
            why = (f"send: {send_error}; " if send_error else "") + f"{type(e).__name__}: {e}"
            return Response(error=why, elapsed=time.monotonic() - start)
        return Response(status, hdrs, resp_body, elapsed=time.monotonic() - start, closing=closing)

    def _recv(self, deadline):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("no complete answer in time")
        self.sock.settimeout(remaining)
        data = self.sock.recv(65536)
        if not data:
            raise Closed("the server closed the connection")
        self.got_bytes = True
        self.buf += data

    def _read_response(self, method, deadline):
        while True:
            while b"\r\n\r\n" not in self.buf:
                if len(self.buf) > 65536:
                    raise ValueError("response headers over 64 KiB")
                self._recv(deadline)
            head, self.buf = self.buf.split(b"\r\n\r\n", 1)
            lines = head.decode("latin-1").split("\r\n")
            parts = lines[0].split(" ", 2)
            if len(parts) < 2 or not parts[0].startswith("HTTP/"):
                raise ValueError(f"bad status line {lines[0][:80]!r}")
            status = int(parts[1])
            headers = {}
            for line in lines[1:]:
                name, _, value = line.partition(":")
                key = name.strip().lower()
                headers[key] = (headers[key] + ", " if key in headers else "") + value.strip()
            if 100 <= status < 200:
                continue  # an interim answer: the real one follows
            break
        closing = "close" in headers.get("connection", "").lower()
        if method == "HEAD" or status in (204, 304):
            return status, headers, b"", closing
        if "chunked" in headers.get("transfer-encoding", "").lower():
            body = b""
            for _ in range(100000):  # bounded: a chunk count no sane answer reaches
                while b"\r\n" not in self.buf:
                    self._recv(deadline)
                size_line, self.buf = self.buf.split(b"\r\n", 1)
                size = int(size_line.split(b";")[0], 16)
                while len(self.buf) < size + 2:
                    self._recv(deadline)
                body += self.buf[:size]
                self.buf = self.buf[size + 2:]
                if size == 0:
                    return status, headers, body, closing
            raise ValueError("endless chunked body")
        if "content-length" in headers:
            n = int(headers["content-length"])
            while len(self.buf) < n:
                self._recv(deadline)
            body, self.buf = self.buf[:n], self.buf[n:]
            return status, headers, body, closing
        try:  # no length: the body runs to the close
            for _ in range(100000):
                self._recv(deadline)
        except Closed:
            pass
        body, self.buf = self.buf, b""
        return status, headers, body, True


def request(port, method, path, headers=(), body=None, host="127.0.0.1", source=None, timeout=10.0,
            after_send=None):
    """One request on a fresh connection. Never raises: a failure is a Response with status None."""
    start = time.monotonic()
    try:
        conn = Connection(port, host, source, timeout)
    except OSError as e:
        if after_send:
            after_send()
        return Response(error=f"connect: {e}", elapsed=time.monotonic() - start)
    try:
        return conn.request(method, path, list(headers) + [("Connection", "close")], body, timeout, after_send)
    finally:
        conn.close()


def api(srv, method, path, body=None, token=None, headers=(), source=None, timeout=10.0, after_send=None):
    """A JSON API call to `srv`; `body` is an object to encode, or ready str/bytes."""
    hdrs = list(headers)
    if body is not None:
        if not isinstance(body, (bytes, str)):
            body = json.dumps(body, separators=(",", ":"))
        hdrs.append(("Content-Type", "application/json"))
    if token:
        hdrs.append(("Authorization", f"Bearer {token}"))
    return request(srv.port, method, path, hdrs, body, host=srv.client_host, source=source, timeout=timeout,
                   after_send=after_send)


# ---- the authd under attack ----------------------------------------------------------------------

# Every setting authd reads (authd --help), and the ones being added: none may leak in from the caller.
AUTHD_SETTINGS = """HOST PORT DATABASE_URL APP_ENV JWT_SECRET_KEY JWT_ISSUER DB_ENCRYPTION_KEY
ACCESS_TOKEN_EXPIRE_MINUTES AGENT_TOKEN_TTL_HOURS REFRESH_TOKEN_EXPIRE_DAYS REFRESH_REUSE_GRACE_SECONDS
OTP_TTL_SECONDS OTP_RESEND_SECONDS OTP_LOCKOUT_MINUTES LOGIN_LOCKOUT_MINUTES CORS_ORIGINS
RATE_LIMIT_PER_MINUTE AUTH_RATE_LIMIT_PER_MINUTE MAX_BODY_BYTES REDIS_URL OUTBOX_RELAY_INTERVAL_MS
DB_POOL_SIZE IO_THREADS WORKER_THREADS HASHING_THREADS HASHING_QUEUE READ_TIMEOUT_SECONDS ACCESS_LOG HSTS
TLS_CERT_FILE TLS_KEY_FILE SEED_ADMIN_PASSWORD DOCS_ASSETS_DIR MAX_CONNECTIONS MAX_CONNECTIONS_PER_IP
HEADER_TIMEOUT_SECONDS""".split()


class Authd(AuthdProcess):
    """`authd serve` in a temp folder of its own."""

    def __init__(self, binary, settings, host="127.0.0.1"):
        self.dir = tempfile.mkdtemp(prefix="authd-hostile-")
        env = {k: v for k, v in os.environ.items() if k not in AUTHD_SETTINGS}
        env.update({
            "DATABASE_URL": f"sqlite:///{self.dir}/authd.db",
            "APP_ENV": "development",
            "HOST": host,
            "PORT": "0",
            "ACCESS_LOG": "0",
            "OUTBOX_RELAY_INTERVAL_MS": "0",
            # Fixed for the group, so that `authd seed` and `authd serve` encrypt and sign alike.
            "JWT_SECRET_KEY": os.urandom(24).hex(),
            "DB_ENCRYPTION_KEY": os.urandom(24).hex(),
        })
        env.update(settings)
        super().__init__("authd", binary, env, os.path.join(self.dir, "stdout.log"),
                         os.path.join(self.dir, "stderr.log"))
        self.client_host = "::1" if ":" in host else ("127.0.0.1" if host in ("0.0.0.0", "") else host)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop(timeout=15)
        if group_failed:
            self.print_tail()
        shutil.rmtree(self.dir, ignore_errors=True)
        return False

    def seed(self):
        """`authd seed` (it migrates first, as every command does); the admin password is SEED_ADMIN_PASSWORD."""
        try:
            r = subprocess.run([self.binary, "seed"], env=self.env, stdin=subprocess.DEVNULL,
                               capture_output=True, timeout=120)
        except subprocess.TimeoutExpired:
            return check("authd seed finishes", False, "still running after 120 s")
        return check("authd seed exits 0", r.returncode == 0,
                     f"exit {r.returncode}: {r.stderr.decode(errors='replace')[-2000:]}")

    def start(self):
        """Starts `authd serve` (which applies migrations itself) and waits for its port. True when it listens."""
        super().start()
        deadline = time.monotonic() + 60  # a sanitizer build on a busy 2-core machine starts slowly
        while time.monotonic() < deadline:
            if self.listening():
                return check(f"authd serve listens (port {self.port})", True)
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        return check("authd serve announces its port", False,
                     f"exit code {self.proc.poll()}; stderr: {read_text(self.err_path)[-2000:]}")

    def rss_bytes(self):
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
        return 0


class AuthdDown(Exception):
    """authd died or stopped answering: the rest of the group would only repeat that."""


def still_up(srv, after):
    """After an attack: authd still answers its liveness probe and its process has not died. Raises AuthdDown
    otherwise, which ends the group."""
    r = request(srv.port, "GET", "/health/live", host=srv.client_host, timeout=10)
    if r.status != 200:
        # A crashing sanitizer build is still alive while it writes its report: give it a moment to finish dying,
        # so that the check below tells a crash from a hang.
        poll(lambda: not srv.alive(), 10)
    running = check(f"{after}: authd is still running", srv.alive(), f"exit code {srv.proc.poll()}")
    live = check(f"{after}: /health/live answers 200", r.status == 200, str(r))
    if not (running and live):
        raise AuthdDown(after)


PASSWORD = "correct horse battery"


def register_and_login(srv, email, source=None):
    """Registers `email` and logs in. Returns (register response, login response, access token or None)."""
    reg = api(srv, "POST", "/api/auth/register", {"email": email, "password": PASSWORD, "name": "Hostile Tester"},
              source=source)
    login = api(srv, "POST", "/api/auth/login", {"email": email, "password": PASSWORD}, source=source, timeout=30)
    token = (login.json or {}).get("accessToken") if login.status == 200 else None
    return reg, login, token


def nested(depth):
    """A JSON value whose objects nest `depth` deep: {"a":{"a":…1…}}."""
    return '{"a":' * depth + "1" + "}" * depth


def json_object_of_size(n, rng=random):
    """A compact JSON object of exactly n bytes, with many members (what a client's preferences look like)."""
    members = []
    size = 2  # {}
    i = 0
    while n - size > 64:
        m = f'"k{i:06d}":"{rng.randbytes(12).hex()}"'
        members.append(m)
        size += len(m) + (1 if i else 0)
        i += 1
    pad = n - size - len('"pad":""') - (1 if members else 0)
    members.append('"pad":"' + "x" * pad + '"')
    text = "{" + ",".join(members) + "}"
    assert len(text) == n, (len(text), n)
    return text


def metrics_series(srv):
    """(the authd_http_requests_total lines of /metrics or None unless it answered 200, the response)."""
    # 30 s: after an attack that did add a series per request, /metrics is tens of megabytes.
    r = request(srv.port, "GET", "/metrics", host=srv.client_host, timeout=30)
    if r.status != 200:
        return None, r
    lines = r.body.decode("utf-8", "replace").splitlines()
    return [l for l in lines if l.startswith("authd_http_requests_total{")], r


# ---- 1. json_nesting -----------------------------------------------------------------------------


def scenario_json_nesting(binary):
    """Bodies that nest without end must be refused as malformed JSON, quickly, and never crash authd
    (a recursive parser or a recursive walk of the parsed value would overflow the stack)."""
    admin_password = os.urandom(12).hex()
    with Authd(binary, {"MAX_BODY_BYTES": "2097152", "RATE_LIMIT_PER_MINUTE": "0",
                        "AUTH_RATE_LIMIT_PER_MINUTE": "0", "SEED_ADMIN_PASSWORD": admin_password}) as srv:
        if not (srv.seed() and srv.start()):
            return

        def malformed(what, r):
            check(f"{what}: 400 malformed_json", r.status == 400 and r.code == "malformed_json", str(r))
            check(f"{what}: answered within 5 s", r.status is not None and r.elapsed < 5,
                  f"{r.elapsed:.2f} s" if r.status is not None else "no answer")
            still_up(srv, what)

        malformed("login with 1,000,000 bytes of '['",
                  api(srv, "POST", "/api/auth/login", b"[" * 1_000_000, timeout=30))
        malformed("login with 1,000,000 bytes of '{\"a\":'",
                  api(srv, "POST", "/api/auth/login", b'{"a":' * 200_000, timeout=30))

        login_with = '{"email":"nobody@example.com","password":"' + PASSWORD + '","extra":%s}'
        malformed("login whose extra member nests 33 deep",
                  api(srv, "POST", "/api/auth/login", login_with % nested(33), timeout=30))
        r = api(srv, "POST", "/api/auth/login", login_with % nested(31), timeout=30)
        check("login whose extra member nests 31 deep passes the JSON layer",
              r.status is not None and r.status < 500 and r.code != "malformed_json", str(r))
        still_up(srv, "login nesting 31 deep")

        # A supplier, as the seeded admin: the deep member inside an otherwise valid body.
        r = api(srv, "POST", "/api/auth/login", {"email": "admin@example.com", "password": admin_password}, timeout=30)
        admin = (r.json or {}).get("accessToken") if r.status == 200 else None
        if check("the seeded admin logs in", admin, str(r)):
            supplier = {"name": "Hostile Supplies", "email": "orders@hostile.example", "phone": "+1 206 555 0100",
                        "address": "1 Loopback Way"}
            deep = json.dumps(supplier, separators=(",", ":"))[:-1] + ',"notes":' + nested(40) + "}"
            malformed("supplier with a member nesting 40 deep",
                      api(srv, "POST", "/api/suppliers", deep, token=admin, timeout=30))
            r = api(srv, "POST", "/api/suppliers", supplier, token=admin)
            check("control: the same supplier without the deep member is 201", r.status == 201, str(r))

        # Preferences are stored as given and walked when merged and served: the deepest risk.
        _, r, user = register_and_login(srv, "deep@example.com")
        if check("a registered user logs in", user, str(r)):
            malformed("preferences with a member nesting 40 deep",
                      api(srv, "PUT", "/api/auth/preferences", '{"theme":"dark","deep":' + nested(40) + "}",
                          token=user, timeout=30))
            r = api(srv, "PUT", "/api/auth/preferences", {"theme": "dark"}, token=user)
            check("control: preferences {\"theme\":\"dark\"} are 200", r.status == 200, str(r))


# ---- 2. methods ----------------------------------------------------------------------------------

ALLOWED_METHOD_LABELS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "other"}
LETTERS = bytes(ord("A") + i % 26 for i in range(256))  # maps any byte to A-Z
PATHS = [
    lambda rng: "/",
    lambda rng: "/api/auth/login",
    lambda rng: "/api/auth/me",
    lambda rng: "/api/events",
    lambda rng: f"/api/events/{rng.randrange(1, 10 ** 6)}",
    lambda rng: "/health/live",
    lambda rng: "/metrics",
    lambda rng: "/" + rng.randbytes(6).hex(),
    lambda rng: f"/api/{rng.randbytes(4).hex()}/{rng.randbytes(4).hex()}?q={rng.randrange(10 ** 9)}",
]


def random_method(rng, size=4096):
    return rng.randbytes(size).translate(LETTERS).decode("ascii")


def blast_methods(srv, total, threads, wall_seconds, seed):
    """`total` requests with 4 KB letter methods over `threads` keep-alive connections (a fresh one when the
    server closes). Returns (tally of status -> count, requests made, seconds taken)."""
    tally = {}
    lock = threading.Lock()
    deadline = time.monotonic() + wall_seconds
    start = time.monotonic()

    def worker(k, n):
        rng = random.Random(seed * 1000 + k)
        conn = None
        for _ in range(n):
            if time.monotonic() > deadline or not srv.alive():
                break
            method, path = random_method(rng), rng.choice(PATHS)(rng)
            r = None
            for _attempt in range(2):  # one retry, only for a kept-alive connection the server closed between requests
                if conn is None:
                    try:
                        conn = Connection(srv.port, srv.client_host, timeout=10)
                    except OSError as e:
                        r = Response(error=f"connect: {e}")
                        break
                reused = conn.used
                r = conn.request(method, path, timeout=10)
                stale = r.status is None and reused and not conn.got_bytes
                if r.status is None or r.closing:
                    conn.close()
                    conn = None
                if not stale:
                    break
            key = r.status if r.status is not None else f"dropped ({r.error})"
            with lock:
                tally[key] = tally.get(key, 0) + 1
        if conn:
            conn.close()

    per = [total // threads + (1 if k < total % threads else 0) for k in range(threads)]
    ts = [threading.Thread(target=worker, args=(k, per[k]), daemon=True) for k in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join(timeout=max(0.1, deadline - time.monotonic()) + 15)
    return tally, sum(tally.values()), time.monotonic() - start


def scenario_methods(binary):
    """Unknown methods of 4 KB each: a 501 (or 405) every time, and none of them may become a metrics label
    (a label per method would grow /metrics and memory without bound)."""
    with Authd(binary, {"RATE_LIMIT_PER_MINUTE": "0", "AUTH_RATE_LIMIT_PER_MINUTE": "0"}) as srv:
        if not srv.start():
            return
        seed = random.randrange(10 ** 6)
        note(f"random seed {seed}")
        tally, made, took = blast_methods(srv, 500, 4, 60, seed)
        note(f"warm-up: {made} requests in {took:.1f} s: {tally}")
        still_up(srv, "500 warm-up requests with 4 KB methods")
        rss_before = srv.rss_bytes() if srv.alive() else 0

        tally, made, took = blast_methods(srv, 10_000, 16, 90, seed + 1)
        note(f"{made} requests in {took:.1f} s: {tally}")
        check("10,000 requests with 4 KB methods were all answered within 90 s", made == 10_000,
              f"{made} made in {took:.1f} s")
        bad = {k: v for k, v in tally.items() if k not in (501, 405)}
        check("every request with a 4 KB method answers 501 (or 405)", not bad, f"other answers: {bad}")
        rss_after = srv.rss_bytes() if srv.alive() else 0
        still_up(srv, "10,000 requests with 4 KB methods")

        grown = rss_after - rss_before
        note(f"VmRSS {rss_before / 2**20:.1f} MiB after the warm-up, {rss_after / 2**20:.1f} MiB after 10,000 more")
        check("resident memory grows by less than 32 MiB over the 10,000 requests", grown < 32 << 20,
              f"{rss_before >> 20} MiB -> {rss_after >> 20} MiB")
        series, r = metrics_series(srv)
        note(f"/metrics: {len(r.body)} bytes")
        if check("/metrics answers 200", series is not None, str(r)):
            labels = set(re.findall(r'method="([^"]*)"', "\n".join(series)))
            check("fewer than 60 authd_http_requests_total series", len(series) < 60, f"{len(series)} series")
            odd = sorted(l[:40] + ("…" if len(l) > 40 else "") for l in labels - ALLOWED_METHOD_LABELS)
            check("every method label is a known method or \"other\"", not odd, f"labels: {odd[:5]}")

        # A preflight names a method in Access-Control-Request-Method: that must not become the label either.
        token = random_method(random.Random(seed + 2))
        r = request(srv.port, "OPTIONS", "/api/auth/login", [("Origin", "http://x"),
                                                              ("Access-Control-Request-Method", token)],
                    host=srv.client_host)
        check("a preflight asking for a 4 KB method is answered (not 5xx)",
              r.status is not None and r.status < 500, str(r))
        still_up(srv, "a preflight asking for a 4 KB method")
        series, r = metrics_series(srv)
        if check("/metrics answers 200 after the preflight", series is not None, str(r)):
            text = "\n".join(series)
            check("no metrics series carries the preflight's requested method", token not in text)
            check("the preflight is counted with method=\"OPTIONS\"", 'method="OPTIONS"' in text)
            labels = set(re.findall(r'method="([^"]*)"', text))
            check("after the preflight every method label is still known", labels <= ALLOWED_METHOD_LABELS,
                  f"{len(labels - ALLOWED_METHOD_LABELS)} unknown labels")


# ---- 3. preferences ------------------------------------------------------------------------------


def scenario_preferences(binary):
    """Preferences are at most 64 KiB; and eight clients pushing 1 MB PATCH bodies must not hold up
    another user's login."""
    with Authd(binary, {"MAX_BODY_BYTES": "2097152", "RATE_LIMIT_PER_MINUTE": "0",
                        "AUTH_RATE_LIMIT_PER_MINUTE": "0"}) as srv:
        if not srv.start():
            return
        _, r, token = register_and_login(srv, "prefs@example.com")
        reg, _, _ = register_and_login(srv, "bystander@example.com")
        if not check("two users register and log in", token and reg.status == 201, str(r)):
            return

        r = api(srv, "PUT", "/api/auth/preferences", json_object_of_size(70 * 1024), token=token, timeout=30)
        check("PUT of 70 KB of preferences is refused with 413 (or 400)", r.status in (400, 413), str(r))
        if r.status == 413:
            check("the 413 says payload_too_large", r.code == "payload_too_large", str(r))
        still_up(srv, "PUT of 70 KB of preferences")
        r = api(srv, "PUT", "/api/auth/preferences", json_object_of_size(60 * 1024), token=token, timeout=30)
        check("PUT of 60 KB of preferences is 200", r.status == 200, str(r))

        # Eight clients, each sending 1 MB PATCHes, at least three and on until the login is answered (at
        # most 20 each); once every one of them has a body on the wire, the bystander logs in on its own
        # connection. Finishing order is recorded, not timed: the login must finish while the flood still
        # runs, however fast or slow the machine serves either.
        big = json_object_of_size(1 << 20)
        finished = []  # ("patch", status) / ("login", status), in the order they completed
        lock = threading.Lock()
        all_sending = threading.Barrier(9, timeout=60)
        login_done = threading.Event()
        sent = [0] * 8

        flood_ends = time.monotonic() + 60  # the whole flood's bound, so that a slow server cannot outlast CTest

        def patcher(index):
            for rep in range(20):
                hook = (lambda: _barrier_wait(all_sending)) if rep == 0 else None
                if rep and (time.monotonic() > flood_ends or (rep >= 3 and login_done.is_set())):
                    break
                sent[index] += 1
                r = api(srv, "PATCH", "/api/auth/preferences", big, token=token,
                        timeout=max(5.0, flood_ends - time.monotonic()), after_send=hook)
                with lock:
                    finished.append(("patch", r.status if r.status is not None else r.error))

        ts = [threading.Thread(target=patcher, args=(i,), daemon=True) for i in range(8)]
        for t in ts:
            t.start()
        if _barrier_wait(all_sending):
            r = api(srv, "POST", "/api/auth/login", {"email": "bystander@example.com", "password": PASSWORD},
                    timeout=60)
            with lock:
                finished.append(("login", r.status))
            login_done.set()
            check("a login during eight 1 MB PATCH floods answers 200", r.status == 200, str(r))
        else:
            check("the eight PATCH clients all started sending", False, "barrier broken")
        for t in ts:
            t.join(timeout=120)
        check("each PATCH client sent three bodies at least (unless the flood's bound cut it short)",
              min(sent) >= 3 or time.monotonic() > flood_ends, str(sent))
        order = [k for k, _ in finished]
        patches = [s for k, s in finished if k == "patch"]
        note(f"completion order: {' '.join('L' if k == 'login' else 'p' for k in order)}; "
             f"PATCH answers: { {s: patches.count(s) for s in set(patches)} }")
        check("the login finished before all PATCH requests had finished",
              "login" in order and "patch" in order[order.index("login") + 1:], " ".join(order))
        # Over 64 KiB, so each should be a quick 400 or 413; a 5xx or no answer (in the flood's 60 s) is a bug.
        check("every 1 MB PATCH is answered, and not with a 5xx",
              len(patches) == sum(sent) and all(isinstance(s, int) and s < 500 for s in patches),
              f"{len(patches)} of {sum(sent)} sent; answers: { {s: patches.count(s) for s in set(patches)} }")
        still_up(srv, "eight clients sending 1 MB PATCH bodies")


def _barrier_wait(barrier):
    try:
        barrier.wait()
        return True
    except threading.BrokenBarrierError:
        return False


# ---- 4. admission --------------------------------------------------------------------------------


def loopback_ipv6_pair():
    """Two IPv6 addresses of the loopback interface in one /64, or (None, why not)."""
    try:
        with open("/proc/net/if_inet6") as f:
            rows = [line.split() for line in f if line.strip()]
    except OSError:
        return None, "this machine has no IPv6 (/proc/net/if_inet6 is missing)"
    mine = [r[0] for r in rows if len(r) >= 6 and r[5] == "lo"]
    by_64 = {}
    for hexaddr in mine:
        by_64.setdefault(hexaddr[:16], []).append(hexaddr)
    for group in by_64.values():
        if len(group) >= 2:
            addrs = [socket.inet_ntop(socket.AF_INET6, bytes.fromhex(h)) for h in group[:2]]
            try:
                for a in addrs:
                    s = socket.socket(socket.AF_INET6)
                    s.bind((a, 0))
                    s.close()
                return addrs, ""
            except OSError as e:
                return None, f"cannot bind {addrs}: {e}"
    texts = [socket.inet_ntop(socket.AF_INET6, bytes.fromhex(h)) for h in mine]
    return None, (f"the loopback interface has {len(texts)} IPv6 address(es) {texts}: two in one /64 are needed, "
                  "and adding one would change this machine's network configuration")


def scenario_admission(binary):
    """Bad tokens are attempts too: they count against the per-IP budget, or guessing tokens would be free."""
    limits = {"AUTH_RATE_LIMIT_PER_MINUTE": "5", "RATE_LIMIT_PER_MINUTE": "20"}
    with Authd(binary, limits) as srv:
        if not srv.start():
            return
        # Windows start on whole minutes: 41 requests over the 20 a minute, whichever two windows they span.
        statuses = []
        first = None
        for _ in range(41):
            r = api(srv, "GET", "/api/auth/me", headers=[("Authorization", "Bearer garbage")])
            statuses.append(r.status if r.status is not None else r.error)
            if r.status == 429 and first is None:
                first = r
        note(f"answers: {statuses}")
        check("the first request with a garbage bearer token is 401", statuses[0] == 401, str(statuses[0]))
        check("within 41 garbage-token requests from one IP some answer 429", 429 in statuses)
        check("garbage-token requests answer only 401 or 429", set(statuses) <= {401, 429}, str(set(statuses)))
        if first is not None:
            check("the 429 is rate_limited with Retry-After", first.code == "rate_limited"
                  and "retry-after" in first.headers, str(first))
        still_up(srv, "41 garbage-token requests")

    # IPv6: clients get a /64 each from their provider, so one client holds 2^64 addresses; the budget must
    # be per /64, not per address. That needs two source addresses of one /64 on loopback.
    pair, why = loopback_ipv6_pair()
    if pair is None:
        skip("two IPv6 source addresses in one /64 share a budget", why)
        return
    with Authd(binary, limits, host="::") as srv:
        if not srv.start():
            return
        a, b = pair
        statuses = []  # until a's budget is spent: at most 41 requests, whichever two windows they span
        while len(statuses) < 41 and 429 not in statuses:
            statuses.append(request(srv.port, "GET", "/api/auth/me", [("Authorization", "Bearer garbage")],
                                    host=a, source=a).status)
        r = request(srv.port, "GET", "/api/auth/me", [("Authorization", "Bearer garbage")], host=a, source=b)
        check(f"once {a} is over its budget, {b} (same /64) is over it too", 429 in statuses and r.status == 429,
              f"{a}: {statuses}; {b}: {r}")
        still_up(srv, "requests from two IPv6 addresses")


# ---- 5. connections ------------------------------------------------------------------------------


def scenario_connections(binary):
    """One address holding many idle and slow-header connections must not lock anyone else out, and a
    connection that never finishes its headers is closed after the header timeout."""
    settings = {"MAX_CONNECTIONS_PER_IP": "20", "MAX_CONNECTIONS": "200", "HEADER_TIMEOUT_SECONDS": "2",
                "READ_TIMEOUT_SECONDS": "5", "RATE_LIMIT_PER_MINUTE": "0", "AUTH_RATE_LIMIT_PER_MINUTE": "0"}
    with Authd(binary, settings) as srv:
        if not srv.start():
            return
        idle, slow = [], []
        refused = 0
        try:
            for i in range(120):
                try:
                    s = socket.create_connection((srv.client_host, srv.port), timeout=3,
                                                 source_address=("127.0.0.2", 0))
                except OSError:
                    refused += 1
                    continue
                (idle if i < 100 else slow).append(s)
            note(f"from 127.0.0.2: {len(idle)} idle and {len(slow)} slow connections open, {refused} refused")

            # The slow ones send one header byte every 200 ms; closed_at records when the server hung up.
            trickle_start = time.monotonic()
            closed_at = [None] * len(slow)
            trickle = threading.Thread(target=_trickle, args=(slow, closed_at, trickle_start + 8), daemon=True)
            trickle.start()

            r = request(srv.port, "GET", "/health/live", host=srv.client_host, timeout=10)
            check("from 127.0.0.1, /health/live answers 200 while 127.0.0.2 holds 120 connections",
                  r.status == 200, str(r))
            check("... within 3 s", r.status is not None and r.elapsed < 3, f"{r.elapsed:.2f} s")
            reg, login, _ = register_and_login(srv, "neighbour@example.com")
            check("from 127.0.0.1, register answers 201 meanwhile", reg.status == 201, str(reg))
            check("from 127.0.0.1, login answers 200 meanwhile", login.status == 200, str(login))

            trickle.join(timeout=15)
            late = [round(t - trickle_start, 1) if t else None for t in closed_at]
            check("connections trickling a header byte every 200 ms are closed within 6 s",
                  all(t is not None and t - trickle_start <= 6 for t in closed_at), f"closed after (s): {late}")
        finally:
            for s in idle + slow:
                s.close()
        still_up(srv, "120 idle and slow connections from one address")

        # Half a request, then silence: the header timeout (2 s) must close it; 6 s allows for a slow machine.
        s = socket.create_connection((srv.client_host, srv.port), timeout=3, source_address=("127.0.0.3", 0))
        try:
            s.sendall(b"GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Half: ")
            start = time.monotonic()
            closed = _wait_closed(s, start + 8)
            took = (closed or time.monotonic()) - start
            check("a connection that sends part of its headers is closed within 6 s",
                  closed is not None and took <= 6, f"{'closed' if closed else 'still open'} after {took:.1f} s")
        finally:
            s.close()
        still_up(srv, "a half-sent request")


def _trickle(socks, closed_at, until):
    """Sends one more header byte on every open socket each 200 ms until all are closed or `until`."""
    payload = b"GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"a" * 1000
    sent = [0] * len(socks)
    while time.monotonic() < until and any(t is None for t in closed_at):
        for i, s in enumerate(socks):
            if closed_at[i] is not None:
                continue
            if _wait_closed(s, time.monotonic()) is not None:
                closed_at[i] = time.monotonic()
                continue
            try:
                s.send(payload[sent[i]:sent[i] + 1])
                sent[i] += 1
            except OSError:
                closed_at[i] = time.monotonic()
        time.sleep(0.2)  # the attack's pace, not synchronisation


def _wait_closed(s, deadline):
    """Reads (and drops) whatever the server sends until it closes the connection or `deadline` passes.
    Returns when it was closed, or None if it is still open."""
    p = select.poll()
    p.register(s, select.POLLIN | select.POLLHUP | select.POLLERR)
    for _ in range(100000):
        remaining = deadline - time.monotonic()
        if not p.poll(max(0, int(remaining * 1000))):
            return None  # nothing more before the deadline
        try:
            data = s.recv(65536)  # a 408 or 431 before the close is fine
        except BlockingIOError:
            continue
        except OSError:
            return time.monotonic()  # reset
        if not data:
            return time.monotonic()
        if remaining <= 0:
            return None
    return None


# ---- 6. redis_away -------------------------------------------------------------------------------


def scenario_redis_away(binary):
    """When Redis goes away, rate limits fall back to counting in the process (never "no limit"), /health
    says degraded, the outage is logged once, and recovery is noticed and logged once."""
    if not check("redis-server is on PATH (scripts/setup installs it)", shutil.which("redis-server")):
        return
    port = free_port()
    redis_dir = tempfile.mkdtemp(prefix="authd-hostile-redis-")
    redis = None
    try:
        redis = start_redis(port, redis_dir)
        if not check(f"redis-server starts on 127.0.0.1:{port}", redis):
            return
        # The general limit is high but on, so that ordinary requests pass through the limiter (and its store).
        with Authd(binary, {"REDIS_URL": f"redis://127.0.0.1:{port}", "AUTH_RATE_LIMIT_PER_MINUTE": "5",
                            "RATE_LIMIT_PER_MINUTE": "1000"}) as srv:
            if not srv.start():
                return
            touch_limiter = lambda: api(srv, "GET", "/api/auth/me", headers=[("Authorization", "Bearer garbage")])
            touch_limiter()
            r = request(srv.port, "GET", "/health", timeout=10)
            check("with Redis up, /health is ok", r.status == 200 and (r.json or {}).get("status") == "ok", str(r))

            stop_redis(redis)
            redis = None
            # Windows start on whole minutes: of 11 logins, at most 5 pass in each of the two windows they may span.
            statuses = []
            for _ in range(11):
                r = api(srv, "POST", "/api/auth/login", {"email": "nobody@example.com", "password": "wrong password"},
                        timeout=30)
                statuses.append(r.status if r.status is not None else r.error)
            note(f"wrong-password logins with Redis away: {statuses}")
            check("with Redis away, 11 logins from one IP meet the in-process limit (a 429)", 429 in statuses)
            still_up(srv, "Redis killed")
            r = request(srv.port, "GET", "/health", timeout=10)
            check("with Redis away, /health says degraded", (r.json or {}).get("status") == "degraded", str(r))

            unreachable = lambda: [l for l in srv.log().splitlines()
                                   if "redis" in l.lower() and "unreachable" in l.lower()]
            poll(lambda: unreachable(), 5)  # the line may be written just after the answer
            lines = unreachable()
            check("exactly one log line says Redis is unreachable", len(lines) == 1, f"{len(lines)} lines: {lines[:3]}")

            redis = start_redis(port, redis_dir)
            if not check(f"redis-server restarts on port {port}", redis):
                return

            def healthy_again():
                touch_limiter()  # the limiter notices Redis on its next use
                r = request(srv.port, "GET", "/health", timeout=10)
                return (r.json or {}).get("status") == "ok"

            check("with Redis back, /health is ok again within 15 s", poll(healthy_again, 15))
            again = lambda: [l for l in srv.log().splitlines() if "reachable again" in l.lower()]
            poll(lambda: again(), 5)
            lines = again()
            check("exactly one log line says Redis is reachable again", len(lines) == 1,
                  f"{len(lines)} lines: {lines[:3]}")
            still_up(srv, "Redis back")
    finally:
        stop_redis(redis)
        shutil.rmtree(redis_dir, ignore_errors=True)


# ---- 7. chunked framing in pieces ----------------------------------------------------------------


def _send_pieces(srv, pieces, wait_answer):
    """Sends `pieces` on one connection, a pause-free flush after each (TCP_NODELAY), then half-closes it.
    Answers the status line's code if one came within 5 s, else None."""
    s = socket.create_connection((srv.client_host, srv.port), timeout=5)
    try:
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        for piece in pieces:
            s.sendall(piece)
        if not wait_answer:
            s.shutdown(socket.SHUT_WR)
        data = b""
        deadline = time.monotonic() + 5
        while b"\r\n" not in data and time.monotonic() < deadline:
            s.settimeout(max(0.01, deadline - time.monotonic()))
            try:
                got = s.recv(4096)
            except (socket.timeout, ConnectionResetError):
                break
            if not got:
                break
            data += got
        m = re.match(rb"HTTP/1\.[01] (\d{3})", data)
        return int(m.group(1)) if m else None
    finally:
        s.close()


def scenario_chunked(binary):
    """Chunked request bodies cut anywhere: in the final chunk, in its trailer, one byte at a time, with
    sizes past 64 bits and endless extensions. The parser must ask for more bytes or refuse, never stop the
    process (the fuzzer found a harness-only assertion in exactly this spot; the server is checked here)."""
    head = (b"POST /api/auth/login HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n")
    body = b'{"email":"nobody@example.com","password":"wrong password"}'
    chunk = b"%x\r\n" % len(body) + body + b"\r\n"
    with Authd(binary, {"RATE_LIMIT_PER_MINUTE": "0", "AUTH_RATE_LIMIT_PER_MINUTE": "0"}) as srv:
        if not srv.start():
            return
        # Cut short, then closed: nothing to answer but nothing to crash on either.
        for name, tail in [("a final chunk then one trailer byte", b"0\r\nX"),
                           ("a final chunk without its CRLF", b"0\r\n"),
                           ("a data chunk then half a final chunk", chunk + b"0\r"),
                           ("a data chunk, a final chunk and half a trailer", chunk + b"0\r\nX-T: 1\r\n"),
                           ("a chunk size cut mid-digit", b"1")]:
            code = _send_pieces(srv, [head, tail], wait_answer=False)
            check(f"{name}, then a close: no 5xx", code is None or code < 500, f"answered {code}")
            still_up(srv, name)
        # Byte by byte: a whole request in 1-byte writes is still one request, answered 401.
        whole = head + chunk + b"0\r\nX-Trailer: 1\r\n\r\n"
        code = _send_pieces(srv, [whole[i:i + 1] for i in range(len(whole))], wait_answer=True)
        check("a chunked login sent one byte at a time answers 401", code == 401, f"answered {code}")
        still_up(srv, "a chunked login sent one byte at a time")
        # Refused outright: sizes no body can have, and extensions with no end.
        for name, tail in [("a chunk size past 64 bits", b"1" + b"0" * 20 + b"\r\n"),
                           ("a chunk size that is not hex", b"zz\r\n"),
                           ("a 64 KiB chunk extension", b"5;" + b"a" * 65536 + b"\r\nhello\r\n0\r\n\r\n")]:
            code = _send_pieces(srv, [head, tail], wait_answer=True)
            check(f"{name} is refused with a 4xx (or the connection closed)",
                  code is None or 400 <= code < 500, f"answered {code}")
            still_up(srv, name)


GROUPS = {
    "json_nesting": scenario_json_nesting,
    "methods": scenario_methods,
    "preferences": scenario_preferences,
    "admission": scenario_admission,
    "connections": scenario_connections,
    "redis_away": scenario_redis_away,
    "chunked": scenario_chunked,
}


# ---- main ----------------------------------------------------------------------------------------

def main():
    global group_failed
    if len(sys.argv) != 3 or (sys.argv[2] not in GROUPS and sys.argv[2] != "all"):
        print(f"usage: {sys.argv[0]} AUTHD_EXECUTABLE {{{'|'.join(GROUPS)}|all}}", file=sys.stderr)
        return 2
    binary = os.path.realpath(sys.argv[1])
    if not check(f"{binary} is an executable", os.access(binary, os.X_OK)):
        print(f"{passed} passed, {failed} failed")
        return 1
    for name in (GROUPS if sys.argv[2] == "all" else [sys.argv[2]]):
        print(f"== {name}", flush=True)
        group_failed = False
        try:
            GROUPS[name](binary)
        except AuthdDown as e:
            check(f"{name}: authd survives every attack (the group stopped after: {e})", False)
        except Exception:  # a bug in the test itself, or something nobody foresaw: a failure, never silent
            traceback.print_exc()
            check(f"{name}: the scenario ran to its end", False)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
