#!/usr/bin/env python3
"""Three real authd processes on one database, behind nginx: what one instance does, the others know at once.

    topology_test.py AUTHD_EXECUTABLE postgresql|mariadb

The database server comes from AUTHD_TEST_PG_URL or AUTHD_TEST_MYSQL_URL (admin URLs that scripts/test sets; unset
is a failure, never a skip): the test creates a scratch database of a random name there and drops it at the end.
It starts a throwaway redis-server (no persistence) on a free loopback port, three `authd serve` at the same moment
(PORT=0, each port read from its "listening on HOST:PORT" line; same DATABASE_URL, JWT_SECRET_KEY,
DB_ENCRYPTION_KEY and REDIS_URL; TRUSTED_PROXIES=127.0.0.1) and Debian's nginx in front of them (round robin,
`proxy_next_upstream error timeout`, `max_fails=1 fail_timeout=5s`, X-Forwarded-For), all in a temp folder.

Phase A (rate limits off):
  start      the three start at once on the empty database: each migration is applied once, all three serve
  revocation a logout, an admin's disabling of a user and an admin's suspension of an agent, done on one instance,
             are refused by it at once and by the others within SESSION_RECHECK_MS (validate and a signed-in route,
             each instance called directly, after each has checked the token once and holds it in memory); a
             change of name likewise shows at /api/auth/me
  lockout    five wrong passwords spread over the instances lock the account once (one after another; all five at
             the same moment; eight at the same moment): the right password is then 403 account_locked everywhere
             and the audit trail shows one account_locked event
  single_use an agent's OTP code and a refresh token (agent's and user's) sent to the three instances at the same
             moment, five rounds each: one success each time
  kill       threads register users through nginx; one authd is killed with SIGKILL in the middle: every
             registration acknowledged with a 201 can log in, the others keep serving, nginx routes around it
Phase B (AUTH_RATE_LIMIT_PER_MINUTE=10 on three new instances):
  rate_limit 15 logins from one client address spread over the instances (directly one after another, through
             nginx where X-Forwarded-For names the client, and directly all at the same moment) meet one budget:
             exactly 10 pass, 5 are 429
  redis_away redis-server killed: the instances keep serving (login, validate) with limits counted in each process,
             and /health says degraded

Prints PASS/FAIL per check and `N passed, M failed` last; exits 1 on any failure. Python 3 standard library only;
every loop is bounded in count and time; only loopback addresses are used.
"""
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from local_servers import AuthdProcess, free_port, poll, read_text, start_redis, stop_redis  # noqa: E402

# ---- results -------------------------------------------------------------------------------------

passed = 0
failed = 0


def check(name, cond, detail=""):
    """One assertion: prints it, counts it, never raises."""
    global passed, failed
    if cond:
        passed += 1
        print(f"PASS {name}", flush=True)
    else:
        failed += 1
        print(f"FAIL {name}" + (f": {detail}" if detail else ""), flush=True)
    return bool(cond)


def note(text):
    print(f"  .. {text}", flush=True)


# ---- HTTP ----------------------------------------------------------------------------------------


class Response:
    def __init__(self, status=None, headers=None, body=b"", error=None, elapsed=0.0):
        self.status = status  # None: no complete answer (error says why)
        self.headers = headers or {}
        self.body = body
        self.error = error
        self.elapsed = elapsed

    @property
    def json(self):
        try:
            return json.loads(self.body)
        except ValueError:
            return None

    def get(self, key):
        j = self.json
        return j.get(key) if isinstance(j, dict) else None

    @property
    def code(self):
        return self.get("code")

    @property
    def outcome(self):
        """The status and problem code in one short value, for tallies: 200, "401 invalid_otp", "no answer"."""
        if self.status is None:
            return "no answer"
        return f"{self.status} {self.code}" if self.code else str(self.status)

    def __str__(self):
        if self.status is None:
            return f"no answer ({self.error})"
        return f"{self.status} {self.body[:200].decode('utf-8', 'replace')!r}"


def connect(port, source=None, timeout=30.0):
    """An open HTTP connection to 127.0.0.1:port from `source` (a 127/8 address), or None."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout,
                                      source_address=(source, 0) if source else None)
    try:
        conn.connect()
    except OSError:
        conn.close()
        return None
    return conn


def call(port, method, path, body=None, token=None, source=None, timeout=30.0, conn=None):
    """One request on a fresh connection (or `conn`, already open). Never raises: a failure has status None."""
    start = time.monotonic()
    headers = {"Connection": "close", "User-Agent": "topology-test"}
    data = None
    if body is not None:
        data = json.dumps(body, separators=(",", ":")).encode()
        headers["Content-Type"] = "application/json"
    if token:
        headers["Authorization"] = f"Bearer {token}"
    try:
        if conn is None:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout,
                                              source_address=(source, 0) if source else None)
        conn.request(method, path, body=data, headers=headers)
        r = conn.getresponse()
        payload = r.read()
        return Response(r.status, {k.lower(): v for k, v in r.getheaders()}, payload,
                        elapsed=time.monotonic() - start)
    except (OSError, http.client.HTTPException) as e:
        return Response(error=f"{type(e).__name__}: {e}", elapsed=time.monotonic() - start)
    finally:
        if conn is not None:
            conn.close()


def race(requests):
    """Sends every request at the same moment: each thread opens its connection first, all wait at one barrier,
    then all send. `requests` are (port, method, path, body, token, source). Returns the responses in order."""
    n = len(requests)
    barrier = threading.Barrier(n, timeout=30)
    results = [Response(error="not sent")] * n

    def one(i):
        port, method, path, body, token, source = requests[i]
        conn = connect(port, source)
        try:
            barrier.wait()
        except threading.BrokenBarrierError:
            results[i] = Response(error="barrier broken (another thread could not connect)")
            if conn:
                conn.close()
            return
        if conn is None:
            results[i] = Response(error="connect failed")
            return
        results[i] = call(port, method, path, body, token, conn=conn)

    threads = [threading.Thread(target=one, args=(i,), daemon=True) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=90)
    return results


# ---- processes -----------------------------------------------------------------------------------

PASSWORD = "correct horse battery"
WRONG_PASSWORD = "wrong horse battery"
processes = []  # every process this test started: stopped at the end, whatever happened


def authd_settings(binary, env):
    """Every setting authd reads, from `authd --help`: none may leak in from the caller (nor its _FILE form)."""
    try:
        out = subprocess.run([binary, "--help"], env=env, stdin=subprocess.DEVNULL, capture_output=True,
                             timeout=60).stdout.decode(errors="replace")
    except subprocess.TimeoutExpired:
        out = ""
    names = {m.replace("-", "_").upper() for m in re.findall(r"^  --([a-z0-9-]+)", out, re.M)}
    names -= {"HELP", "VERSION"}
    return names


class Authd(AuthdProcess):
    """`authd serve`, its stdout and stderr in files of the work folder."""

    def __init__(self, name, binary, env, workdir):
        super().__init__(name, binary, env, os.path.join(workdir, f"{name}.stdout.log"),
                         os.path.join(workdir, f"{name}.stderr.log"))

    def start(self):
        processes.append(super().start())


def nginx_temp_paths(folder):
    """Every temp path nginx writes, inside `folder` (only for the modules this nginx has)."""
    version = subprocess.run(["nginx", "-V"], capture_output=True, timeout=30).stderr.decode(errors="replace")
    out = f"client_body_temp_path {folder}/body;"
    for m in ("proxy", "fastcgi", "uwsgi", "scgi"):
        if f"--without-http_{m}_module" not in version:
            out += f" {m}_temp_path {folder}/{m};"
    return out


class Gateway:
    """Debian's nginx in front of the instances: round robin, routing around a dead one, X-Forwarded-For."""

    def __init__(self, folder, ports):
        self.dir = folder
        os.makedirs(folder, exist_ok=True)
        os.chmod(folder, 0o755)  # nginx workers run as nobody when started by root
        self.port = free_port()
        self.access_log = os.path.join(folder, "access.log")
        self.error_log = os.path.join(folder, "error.log")
        servers = "\n".join(f"    server 127.0.0.1:{p} max_fails=1 fail_timeout=5s;" for p in ports)
        conf = f"""worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 512; }}
http {{
  log_format topology '$remote_addr "$request" $status upstream=$upstream_addr upstream_status=$upstream_status';
  access_log {self.access_log} topology;
  {nginx_temp_paths(folder)}
  upstream authd {{
{servers}
  }}
  server {{
    listen 127.0.0.1:{self.port};
    location / {{
      proxy_pass http://authd;
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $remote_addr;
      proxy_next_upstream error timeout;
      proxy_connect_timeout 2s;
      proxy_read_timeout 60s;
    }}
  }}
}}
"""
        self.conf = os.path.join(folder, "nginx.conf")
        with open(self.conf, "w") as f:
            f.write(conf)
        self.proc = None

    def start(self):
        with open(os.path.join(self.dir, "stdout.log"), "ab") as out:
            self.proc = subprocess.Popen(["nginx", "-p", self.dir, "-c", self.conf, "-e", self.error_log,
                                          "-g", "daemon off;"], stdin=subprocess.DEVNULL, stdout=out,
                                         stderr=subprocess.STDOUT, start_new_session=True)
        processes.append(self.proc)
        up = poll(lambda: self.proc.poll() is not None or call(self.port, "GET", "/health/live", timeout=5).status
                  == 200, 15, 0.1)
        return check(f"nginx serves the three instances on 127.0.0.1:{self.port}", up and self.proc.poll() is None,
                     f"exit code {self.proc.poll()}; {read_text(self.error_log)[-1500:]}")

    def upstreams(self, since_line=0):
        """The upstream address of each request in the access log from line `since_line` on."""
        lines = read_text(self.access_log).splitlines()[since_line:]
        return [m.group(1) for m in (re.search(r"upstream=(.*?) upstream_status=", l) for l in lines) if m]

    def lines(self):
        return len(read_text(self.access_log).splitlines())

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=15)


# ---- the scratch database ------------------------------------------------------------------------


def scratch_database(kind):
    """Creates a database of a random name on the server of AUTHD_TEST_PG_URL / AUTHD_TEST_MYSQL_URL.
    Returns (authd's DATABASE_URL, the command that drops it) or (None, None) after a failed check."""
    var = "AUTHD_TEST_PG_URL" if kind == "postgresql" else "AUTHD_TEST_MYSQL_URL"
    admin = os.environ.get(var, "")
    if not check(f"{var} is set (scripts/test starts the database server)", admin,
                 "unset: without the server this test fails, it is never skipped"):
        return None, None
    name = "authd_topology_" + secrets.token_hex(6)
    db_url = admin.rsplit("/", 1)[0] + "/" + name
    if kind == "postgresql":
        if not check("psql is installed (scripts/setup installs postgresql)", shutil.which("psql")):
            return None, None
        create = ["psql", admin, "-v", "ON_ERROR_STOP=1", "-qc", f"CREATE DATABASE {name}"]
        drop = ["psql", admin, "-qc", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"]
        env = None
    else:
        if not check("the mariadb client is installed (scripts/setup installs mariadb-server)",
                     shutil.which("mariadb")):
            return None, None
        u = urllib.parse.urlsplit(admin)
        my = ["mariadb", "--no-defaults", "-h", u.hostname or "127.0.0.1", "-P", str(u.port or 3306),
              "-u", urllib.parse.unquote(u.username or "")]
        env = dict(os.environ, MYSQL_PWD=urllib.parse.unquote(u.password or ""))
        create = my + ["-e", f"CREATE DATABASE {name}"]
        drop = my + ["-e", f"DROP DATABASE IF EXISTS {name}"]
    r = subprocess.run(create, env=env, stdin=subprocess.DEVNULL, capture_output=True, timeout=60)
    where = admin.rsplit("@", 1)[-1]
    if not check(f"the scratch database {name} is created on {where}", r.returncode == 0,
                 r.stderr.decode(errors="replace")[-500:]):
        return None, None
    return db_url, (lambda: subprocess.run(drop, env=env, stdin=subprocess.DEVNULL, capture_output=True,
                                           timeout=60))


# ---- the topology --------------------------------------------------------------------------------


class Topology:
    def __init__(self, binary, backend):
        self.binary = binary
        self.backend = backend
        self.work = tempfile.mkdtemp(prefix="authd-topology-")
        os.chmod(self.work, 0o755)  # nginx workers run as nobody when started by root
        self.instances = []
        self.all_instances = []  # of both phases, for the logs
        self.gateways = []
        self.gateway = None
        self.redis = None
        self.redis_port = None
        self.db_url = None
        self.drop_database = None
        self.admin_token = None
        base = {"ASAN_OPTIONS": "detect_leaks=0"}
        base.update(os.environ)
        settings = authd_settings(binary, base)
        check(f"authd --help lists its settings ({len(settings)}): none is taken from the caller's environment",
              len(settings) >= 20, str(sorted(settings)))
        self.env = {k: v for k, v in base.items()
                    if k not in settings and not (k.endswith("_FILE") and k[:-5] in settings)}
        self.secrets = {"JWT_SECRET_KEY": secrets.token_hex(32), "DB_ENCRYPTION_KEY": secrets.token_hex(32)}

    def settings(self, extra):
        env = dict(self.env)
        env.update(self.secrets)
        env.update({
            "DATABASE_URL": self.db_url,
            "APP_ENV": "development",
            "HOST": "127.0.0.1",
            "PORT": "0",
            "ACCESS_LOG": "0",
            "REDIS_URL": f"redis://127.0.0.1:{self.redis_port}",
            "TRUSTED_PROXIES": "127.0.0.1",
            "REFRESH_REUSE_GRACE_SECONDS": "0",
            "OUTBOX_RELAY_INTERVAL_MS": "0",
            "OTP_RESEND_SECONDS": "0",
            "RATE_LIMIT_PER_MINUTE": "0",
        })
        env.update(extra)
        return env

    def start_instances(self, phase, extra):
        """Three authd started at the same moment; True once all three listen."""
        env = self.settings(extra)
        self.instances = [Authd(f"{phase}-authd-{i + 1}", self.binary, env, self.work) for i in range(3)]
        self.all_instances += self.instances
        started = time.monotonic()
        for a in self.instances:
            a.start()
        up = poll(lambda: all(a.listening() or not a.alive() for a in self.instances), 90, 0.05)
        took = time.monotonic() - started
        ok = up and all(a.listening() for a in self.instances)
        check(f"three authd started at once all listen ({took:.1f} s; ports "
              f"{', '.join(str(a.port) for a in self.instances)})", ok,
              "; ".join(f"{a.name}: exit {a.proc.poll()}" for a in self.instances))
        return ok

    def start_gateway(self, phase):
        self.gateway = Gateway(os.path.join(self.work, f"nginx-{phase}"), [a.port for a in self.instances])
        self.gateways.append(self.gateway)
        return self.gateway.start()

    def stop_all(self):
        for g in self.gateways:
            g.stop()
        for a in self.all_instances:
            a.stop()
        for p in processes:
            if p.poll() is None:
                p.kill()
                try:
                    p.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    pass

    def print_logs(self):
        for a in self.all_instances:
            a.print_tail()
        for g in self.gateways:
            text = read_text(g.error_log).splitlines()
            if text:
                print(f"---- {os.path.basename(g.dir)} error.log ----")
                print("\n".join(l[:300] for l in text[-15:]), flush=True)

    def cli(self, args, stdin_text=""):
        """An `authd` operator command with the instances' settings."""
        env = self.settings({})
        try:
            return subprocess.run([self.binary] + args, env=env, input=stdin_text.encode(), capture_output=True,
                                  timeout=120)
        except subprocess.TimeoutExpired:
            return None


# ---- helpers on the API --------------------------------------------------------------------------

_unique = iter(range(1, 10 ** 9))


def new_email(what):
    return f"{what}-{next(_unique)}-{secrets.token_hex(3)}@example.com"


def new_phone():
    """A Moroccan mobile number (+2126…, 9 national digits) nobody has."""
    return "6" + "".join(secrets.choice("0123456789") for _ in range(8))


def register_user(port, email, source=None):
    return call(port, "POST", "/api/auth/register", {"email": email, "password": PASSWORD, "name": "Topology Tester"},
                source=source)


def login(port, email, password=PASSWORD, source=None):
    return call(port, "POST", "/api/auth/login", {"email": email, "password": password}, source=source)


def user_signed_in(name, port, what):
    """Registers a user on `port` and logs in there: (user id or None after a failed check, login response, e-mail)."""
    email = new_email(what)
    reg = register_user(port, email)
    r = login(port, email)
    ok = check(f"{name}: a user registers (201) and logs in (200)", reg.status == 201 and r.status == 200,
               f"register {reg}; login {r}")
    return (reg.get("userId") if ok else None), r, email


def agent_registered(port):
    """(agent id, E.164 number) of a new agent, or (None, None)."""
    phone = new_phone()
    r = call(port, "POST", "/api/v1/auth/register", {"phone_number": phone, "country_code": "+212",
                                                      "first_name": "Topo", "last_name": "Agent",
                                                      "email": new_email("agent")})
    if r.status != 201:
        check("an agent registers (201)", False, str(r))
        return None, None
    return r.get("id"), r.get("phone_number") or "+212" + phone


def otp_code(port, phone):
    """The code of a new request-otp (development mode shows it as debug_code), or None."""
    r = call(port, "POST", "/api/v1/auth/request-otp", {"phone_number": phone})
    if r.status != 202 or not r.get("debug_code"):
        check(f"request-otp for {phone} answers 202 with debug_code", False, str(r))
        return None
    return r.get("debug_code")


def validate(port, token):
    return call(port, "GET", "/api/v1/auth/validate", token=token)


def refused_within(probe, seconds=2.0):
    """Polls probe() (a Response) until it is a 401, for at most `seconds`. Returns (seconds it took or None, the
    number of tries, the last response)."""
    start = time.monotonic()
    last = None
    tries = 0
    for _ in range(200):
        last = probe()
        tries += 1
        if last.status == 401:
            return time.monotonic() - start, tries, last
        if time.monotonic() - start > seconds:
            break
        time.sleep(0.02)
    return None, tries, last


def check_refused_everywhere(what, instances, token, me_path, by):
    """After `what`, the token is refused by each instance, called directly, at validate and at `me_path`. The
    instance `by`, which made the change, refuses it on the first try (its session view dropped the session); the
    others, which learn it from the database within SESSION_RECHECK_MS, are polled for at most 2 s and the delay is
    reported in the check's name."""
    for a in instances:
        for route, probe, want in (("GET /api/v1/auth/validate", lambda: validate(a.port, token), "invalid_token"),
                                   (f"GET {me_path}", lambda: call(a.port, "GET", me_path, token=token),
                                    "unauthorized")):
            took, tries, r = refused_within(probe)
            when = "at once" if tries == 1 else (f"after {took:.2f} s ({tries} tries)" if took is not None else
                                                 "not within 2 s")
            check(f"after {what}, {a.name} refuses the token at {route} with 401 {when}",
                  took is not None and r.code == want and (a is not by or tries == 1),
                  f"last answer {r} after {tries} tries")


def tally(responses):
    out = {}
    for r in responses:
        out[r.outcome] = out.get(r.outcome, 0) + 1
    return out


# ---- phase A scenarios ---------------------------------------------------------------------------


def scenario_start(t):
    """The three started at once on an empty database: the migrations ran once, the schema works."""
    logs = [a.log() for a in t.instances]
    applied = [m for log in logs for m in re.findall(r'"msg":"migration applied","migration":"([^"]+)"', log)]
    per_instance = [len(re.findall(r'"msg":"migration applied"', log)) for log in logs]
    note(f"migrations applied per instance: {per_instance}")
    dupes = sorted({m for m in applied if applied.count(m) > 1})
    check(f"each of the {len(set(applied))} migrations was applied once between the three instances",
          applied and not dupes, f"applied twice or more: {dupes}" if dupes else "no migration line in any log")
    for a in t.instances:
        r = call(a.port, "GET", "/health")
        check(f"{a.name}: /health answers 200 ok with the database ok", r.status == 200 and r.get("status") == "ok"
              and (r.get("checks") or {}).get("database") == "ok", str(r))
    errors = [l for log in logs for l in log.splitlines() if '"level":"error"' in l]
    check("no instance logged an error while starting", not errors, "; ".join(l[:200] for l in errors[:3]))


def scenario_gateway_spreads(t):
    g = t.gateway
    before = g.lines()
    answers = [call(g.port, "GET", "/health/live").status for _ in range(9)]
    check("9 requests through nginx all answer 200", answers == [200] * 9, str(answers))
    poll(lambda: len(g.upstreams(before)) >= 9, 5)
    used = g.upstreams(before)
    ports = sorted({u.rsplit(":", 1)[-1] for u in used})
    note(f"upstreams of the 9 requests: {used}")
    check("nginx spread them over the three instances", ports == sorted(str(a.port) for a in t.instances),
          f"ports used: {ports}")


def create_admin(t):
    """An admin made by the operator's command (after the three started: the migrations are theirs); signs in."""
    email = new_email("admin")
    password = "topology admin " + secrets.token_hex(6)
    r = t.cli(["admin", "create-user", "--email", email, "--role", "admin"], password + "\n")
    if not check("authd admin create-user --role admin exits 0", r is not None and r.returncode == 0,
                 "timed out" if r is None else r.stderr.decode(errors="replace")[-1000:]):
        return False
    r = login(t.instances[0].port, email, password)
    t.admin_token = r.get("accessToken") if r.status == 200 else None
    return check(f"the admin logs in on {t.instances[0].name}", t.admin_token, str(r))


def scenario_revocation(t):
    a = t.instances
    # -- a logout on authd-1
    _, r, _ = user_signed_in("logout", a[0].port, "logout")
    token, refresh = r.get("accessToken"), r.get("refreshToken")
    if token:
        for x in a:
            v = validate(x.port, token)
            check(f"a token issued by {a[0].name} is valid on {x.name} (200, valid)",
                  v.status == 200 and v.get("valid") is True and v.headers.get("x-auth-subject"), str(v))
        r = call(a[0].port, "POST", "/api/auth/logout", token=token)
        if check(f"logout on {a[0].name} answers 204", r.status == 204, str(r)):
            check_refused_everywhere(f"a logout on {a[0].name}", a, token, "/api/auth/me", a[0])
            r = call(a[1].port, "POST", "/api/auth/refresh", {"refreshToken": refresh})
            check(f"after the logout, {a[1].name} refuses its refresh token (401 invalid_refresh_token)",
                  r.status == 401 and r.code == "invalid_refresh_token", str(r))

    # -- a change of name on authd-1, while every instance has the account in memory
    _, r, _ = user_signed_in("rename", a[0].port, "renamed")
    token = r.get("accessToken")
    if token:
        for x in a:  # twice each: the second answer comes from memory
            call(x.port, "GET", "/api/auth/me", token=token)
            check(f"{x.name} answers /api/auth/me (200)", call(x.port, "GET", "/api/auth/me", token=token).status == 200)
        r = call(a[0].port, "PUT", "/api/auth/profile", {"name": "Renamed Here"}, token=token)
        if check(f"the user renames itself on {a[0].name} (200)", r.status == 200, str(r)):
            for x in a:
                start, tries, shown = time.monotonic(), 0, None
                for _ in range(200):  # bounded: about 2 s
                    tries += 1
                    shown = call(x.port, "GET", "/api/auth/me", token=token)
                    if shown.get("name") == "Renamed Here" or time.monotonic() - start > 2.0:
                        break
                    time.sleep(0.02)
                when = "at once" if tries == 1 else f"after {time.monotonic() - start:.2f} s ({tries} tries)"
                check(f"{x.name} shows the new name at /api/auth/me {when}",
                      shown.get("name") == "Renamed Here" and (x is not a[0] or tries == 1), str(shown))

    # -- an admin disables a user on authd-2
    uid, r, email = user_signed_in("disable", a[1].port, "disabled")
    token = r.get("accessToken")
    if uid and token and t.admin_token:
        pre = [validate(x.port, token).status for x in a]
        check("before the disabling, the user's token is valid on the three instances", pre == [200] * 3, str(pre))
        r = call(a[1].port, "PATCH", f"/api/admin/users/{uid}", {"isActive": False}, token=t.admin_token)
        if check(f"the admin disables the user on {a[1].name} (200, isActive false)",
                 r.status == 200 and r.get("isActive") is False, str(r)):
            check_refused_everywhere(f"the user's disabling on {a[1].name}", a, token, "/api/auth/me", a[1])
            for x in (a[0], a[2]):
                r = login(x.port, email)
                check(f"the disabled user's login on {x.name} is 403 account_disabled",
                      r.status == 403 and r.code == "account_disabled", str(r))

    # -- an admin suspends an agent on authd-3
    agent_id, phone = agent_registered(a[2].port)
    code = otp_code(a[2].port, phone) if agent_id else None
    if code and t.admin_token:
        r = call(a[2].port, "POST", "/api/v1/auth/verify-otp", {"phone_number": phone, "code": code})
        token, refresh = r.get("access_token"), r.get("refresh_token")
        if check(f"an agent signs in with its code on {a[2].name} (200)", r.status == 200 and token, str(r)):
            pre = [call(x.port, "GET", "/api/v1/agents/me", token=token).status for x in a]
            check("before the suspension, GET /api/v1/agents/me is 200 on the three instances", pre == [200] * 3,
                  str(pre))
            r = call(a[2].port, "PATCH", f"/api/admin/agents/{agent_id}", {"status": "suspended"},
                     token=t.admin_token)
            if check(f"the admin suspends the agent on {a[2].name} (200, status suspended)",
                     r.status == 200 and r.get("status") == "suspended", str(r)):
                check_refused_everywhere(f"the agent's suspension on {a[2].name}", a, token, "/api/v1/agents/me", a[2])
                r = call(a[0].port, "POST", "/api/v1/auth/refresh", {"refresh_token": refresh})
                check(f"{a[0].name} refuses the suspended agent's refresh token (401 invalid_refresh_token)",
                      r.status == 401 and r.code == "invalid_refresh_token", str(r))
                code = otp_code(a[1].port, phone)
                if code:
                    r = call(a[1].port, "POST", "/api/v1/auth/verify-otp", {"phone_number": phone, "code": code})
                    check(f"the suspended agent's verify-otp on {a[1].name} is 403 account_disabled",
                          r.status == 403 and r.code == "account_disabled", str(r))


def audit_events(t, principal, kind):
    """The audit events of `kind` about `principal` (one page of 100), or None."""
    r = call(t.instances[0].port, "GET", f"/api/admin/audit?principal={principal}&type={kind}&size=100",
             token=t.admin_token)
    if r.status != 200 or not isinstance(r.get("events"), list):
        check(f"GET /api/admin/audit?type={kind} answers 200", False, str(r))
        return None
    return r.get("events")


def check_locked_everywhere(t, what, uid, email):
    for x in t.instances:
        r = login(x.port, email)
        check(f"{what}: the right password on {x.name} is 403 account_locked with Retry-After",
              r.status == 403 and r.code == "account_locked" and r.headers.get("retry-after"), str(r))
    if t.admin_token:
        locks = audit_events(t, uid, "account_locked")
        if locks is not None:
            check(f"{what}: the audit trail shows the lock once (one account_locked event)", len(locks) == 1,
                  f"{len(locks)} events: {locks[:3]}")
        signs = audit_events(t, uid, "sign_in")
        if signs is not None:
            details = {}
            for e in signs:
                k = f"{e.get('outcome')}: {e.get('detail')}"
                details[k] = details.get(k, 0) + 1
            note(f"{what}: sign_in events {details}")


def scenario_lockout(t):
    a = t.instances
    # -- one after another, round robin
    uid, r, email = user_signed_in("lockout", a[0].port, "locked")
    if uid:
        answers = []
        for i in range(5):
            r = login(a[i % 3].port, email, WRONG_PASSWORD)
            answers.append(r)
        note("five wrong passwords on " + ", ".join(f"{a[i % 3].name}: {r.outcome}" for i, r in enumerate(answers)))
        check("the first four wrong passwords (authd-1, 2, 3, 1) are 401 invalid_credentials",
              all(r.status == 401 and r.code == "invalid_credentials" for r in answers[:4]),
              str([r.outcome for r in answers[:4]]))
        check(f"the fifth (on {a[1].name}) is 403 account_locked with Retry-After",
              answers[4].status == 403 and answers[4].code == "account_locked"
              and answers[4].headers.get("retry-after"), str(answers[4]))
        check_locked_everywhere(t, "after five wrong passwords in turn", uid, email)

    # -- all at the same moment: five (the fifth failure locks), then eight (the three after it find the lock)
    for n, at, what in ((5, a[1], "locked-at-once"), (8, a[2], "locked-eight")):
        uid, r, email = user_signed_in(f"lockout, {n} at once", at.port, what)
        if not uid:
            continue
        answers = race([(a[i % 3].port, "POST", "/api/auth/login", {"email": email, "password": WRONG_PASSWORD},
                         None, None) for i in range(n)])
        counts = tally(answers)
        note(f"{n} wrong passwords at the same moment on the three instances: {counts}")
        check(f"{n} wrong passwords at once: four 401 invalid_credentials and {n - 4} 403 account_locked",
              counts == {"401 invalid_credentials": 4, "403 account_locked": n - 4}, str(counts))
        check_locked_everywhere(t, f"after {n} wrong passwords at once", uid, email)

ROUNDS = 5


def check_exchanged_once(what, instances, path, body):
    """`body` sent to every instance at the same moment: exactly one exchange, the others 401."""
    answers = race([(x.port, "POST", path, body, None, None) for x in instances])
    losers = [x for x in answers if x.status != 200]
    check(f"{what} sent to the three instances at once is exchanged exactly once, the others 401",
          len(losers) == len(instances) - 1 and all(
              x.status == 401 and x.code in ("refresh_token_reused", "invalid_refresh_token") for x in losers),
          str(tally(answers)))


def scenario_single_use(t):
    a = t.instances
    # -- an agent's OTP code, three rounds
    agent_refresh = []
    for rnd in range(ROUNDS):
        home = a[rnd % 3]
        _, phone = agent_registered(home.port)
        code = otp_code(home.port, phone) if phone else None
        if not code:
            continue
        answers = race([(x.port, "POST", "/api/v1/auth/verify-otp", {"phone_number": phone, "code": code}, None, None)
                        for x in a])
        counts = tally(answers)
        wins = [i for i, r in enumerate(answers) if r.status == 200]
        check(f"round {rnd + 1}: one OTP code (asked of {home.name}) sent to the three instances at once signs in "
              f"exactly once, the others 401 invalid_otp",
              len(wins) == 1 and counts.get("401 invalid_otp") == 2, str(counts))
        if len(wins) == 1:
            agent_refresh.append(answers[wins[0]].get("refresh_token"))
    # -- an agent's refresh token (/api/v1/auth/refresh), from each round's winner
    for rnd, refresh in enumerate(agent_refresh):
        check_exchanged_once(f"round {rnd + 1}: one agent refresh token", a, "/api/v1/auth/refresh",
                             {"refresh_token": refresh})
    # -- a user's refresh token (/api/auth/refresh), three rounds
    _, r, email = user_signed_in("refresh race", a[0].port, "refresher")
    if r.status != 200:
        return
    for rnd in range(ROUNDS):
        r = login(a[rnd % 3].port, email) if rnd else r
        refresh = r.get("refreshToken")
        if not check(f"round {rnd + 1}: the user logs in on {a[rnd % 3].name}", r.status == 200 and refresh, str(r)):
            continue
        check_exchanged_once(f"round {rnd + 1}: one user refresh token", a, "/api/auth/refresh",
                             {"refreshToken": refresh})


def scenario_kill(t):
    """Registrations through nginx from six threads; authd-3 killed with SIGKILL in the middle."""
    a, g = t.instances, t.gateway
    victim = a[2]
    results = []  # (email, Response, sent at)
    lock = threading.Lock()
    start = time.monotonic()
    stop_at = [start + 30]  # moved to 3 s after the kill
    threads_n = 6

    def worker(k):
        for i in range(400):
            if time.monotonic() > stop_at[0]:
                break
            email = f"load-{k}-{i}-{secrets.token_hex(3)}@example.com"
            sent = time.monotonic()
            r = register_user(g.port, email, source=f"127.0.2.{k + 1}")
            with lock:
                results.append((email, r, sent))

    threads = [threading.Thread(target=worker, args=(k,), daemon=True) for k in range(threads_n)]
    for th in threads:
        th.start()

    def acked():
        with lock:
            return sum(1 for _, r, _ in results if r.status == 201)

    # The load is under way (1.5 s of it, and some writes acknowledged): then the kill, and 2.5 s more of load.
    poll(lambda: acked() >= 12 and time.monotonic() - start >= 1.5, 20, 0.05)
    before_kill = acked()
    gw_line = g.lines()
    victim.proc.send_signal(signal.SIGKILL)
    victim.proc.wait(timeout=15)
    killed_at = time.monotonic()  # dead: its sockets are closed from here on
    stop_at[0] = killed_at + 2.5
    note(f"{victim.name} killed with SIGKILL {killed_at - start:.1f} s into the load, after {before_kill} "
         f"acknowledged registrations")
    for th in threads:
        th.join(timeout=90)
    check("the load threads all finished", not any(th.is_alive() for th in threads))
    check(f"{victim.name} died of SIGKILL", victim.proc.returncode == -signal.SIGKILL, str(victim.proc.returncode))
    with lock:
        done = list(results)
    ok = [(e, r, s) for e, r, s in done if r.status == 201]
    after_kill = [x for x in ok if x[2] >= killed_at]
    note(f"{len(done)} registrations sent through nginx: {tally([r for _, r, _ in done])}; "
         f"{len(after_kill)} of the 201s were sent after the kill")
    check("registrations were acknowledged both before and after the kill", before_kill > 0 and after_kill,
          f"{before_kill} before, {len(after_kill)} after")
    odd = [(e, r) for e, r, _ in done if r.status is not None and r.status != 201 and r.status not in (502, 504)]
    check("every registration is a 201, or a gateway error or no answer around the kill (no 4xx, no authd 5xx)",
          not odd, "; ".join(f"{e}: {r}" for e, r in odd[:5]))
    failed_near_kill = [r for _, r, s in done if r.status != 201]
    note(f"unacknowledged registrations: {tally(failed_near_kill)}")
    sent_after = [(e, r) for e, r, s in done if s >= killed_at]
    check(f"each of the {len(sent_after)} registrations sent through nginx after the kill answers 201 "
          "(nginx routes around the dead instance)", sent_after and all(r.status == 201 for _, r in sent_after),
          str(tally([r for _, r in sent_after])))

    # Every acknowledged registration is there: each such user logs in through nginx (four at a time).
    emails = [e for e, _, _ in ok]
    logins = {}
    lk = threading.Lock()
    queue = list(emails)

    def login_worker(k):
        for _ in range(len(emails) + 1):
            with lk:
                if not queue:
                    return
                e = queue.pop()
            r = login(g.port, e, source=f"127.0.3.{k + 1}")
            with lk:
                logins[e] = r

    ts = [threading.Thread(target=login_worker, args=(k,), daemon=True) for k in range(4)]
    for th in ts:
        th.start()
    for th in ts:
        th.join(timeout=120)
    bad = {e: r for e, r in logins.items() if r.status != 200}
    missing = [e for e in emails if e not in logins]
    check(f"each of the {len(emails)} acknowledged registrations logs in through nginx (200)",
          emails and not bad and not missing,
          f"{len(bad)} refused, {len(missing)} not tried: " + "; ".join(f"{e}: {r}" for e, r in list(bad.items())[:5]))

    # The others keep serving; nginx routes around the dead one.
    for x in a[:2]:
        r = call(x.port, "GET", "/health")
        check(f"{x.name} still answers /health 200 ok", r.status == 200 and r.get("status") == "ok", str(r))
    answers = []
    for i in range(9):
        r = register_user(g.port, new_email("after-kill"), source="127.0.2.100")
        answers.append(r)
    check("9 registrations through nginx after the kill all answer 201",
          all(r.status == 201 for r in answers), str(tally(answers)))
    used = g.upstreams(gw_line)
    note(f"nginx upstreams since the kill: { {u: used.count(u) for u in set(used)} }")


# ---- phase B scenarios ---------------------------------------------------------------------------

LIMIT = 10


def in_fresh_window(margin):
    """Waits, polling the clock, until at least `margin` seconds are left in the current one-minute rate-limit
    window (authd's windows start on whole minutes of the system clock)."""
    return poll(lambda: 60 - time.time() % 60 >= margin, 62 - margin, 0.1)


def scenario_rate_limit(t):
    a, g = t.instances, t.gateway
    # -- directly, round robin, from 127.0.1.50
    in_fresh_window(25)
    answers = [login(a[i % 3].port, "nobody@example.com", WRONG_PASSWORD, source="127.0.1.50")
               for i in range(LIMIT + 5)]
    note("15 logins from 127.0.1.50 on authd-1, 2, 3, 1, …: " + " ".join(r.outcome for r in answers))
    passing = [r for r in answers if r.status != 429]
    check(f"{LIMIT + 5} logins from one address spread over the three instances: exactly {LIMIT} pass the limiter",
          len(passing) == LIMIT and all(r.status == 401 for r in passing), str(tally(answers)))
    check(f"... and the last 5 are 429 rate_limited with Retry-After",
          all(r.status == 429 and r.code == "rate_limited" and r.headers.get("retry-after") for r in answers[LIMIT:]),
          str([r.outcome for r in answers[LIMIT:]]))
    remaining = [r.headers.get("ratelimit-remaining") for r in answers[:LIMIT]]
    check("RateLimit-Remaining counts one shared budget down from 9 to 0 across the instances",
          remaining == [str(n) for n in range(LIMIT - 1, -1, -1)], str(remaining))
    r = login(a[0].port, "nobody@example.com", WRONG_PASSWORD, source="127.0.1.49")
    check("another address still has its own budget (401, not 429)", r.status == 401, str(r))

    # -- through nginx, from 127.0.1.51: X-Forwarded-For names the client
    in_fresh_window(25)
    line = g.lines()
    answers = [login(g.port, "nobody@example.com", WRONG_PASSWORD, source="127.0.1.51") for _ in range(LIMIT + 5)]
    poll(lambda: len(g.upstreams(line)) >= LIMIT + 5, 5)
    ports = sorted({u.rsplit(":", 1)[-1] for u in g.upstreams(line)})
    note("15 logins from 127.0.1.51 through nginx: " + " ".join(r.outcome for r in answers) +
         f"; upstream ports {ports}")
    check("nginx sent the 15 to the three instances", len(ports) == 3, str(ports))
    passing = [r for r in answers if r.status != 429]
    check(f"{LIMIT + 5} logins from one client through nginx: exactly {LIMIT} pass the limiter, 5 are 429",
          len(passing) == LIMIT and all(r.status == 401 for r in passing)
          and all(r.status == 429 for r in answers[LIMIT:]), str(tally(answers)))

    # -- all at the same moment, from 127.0.1.52, spread over the three instances
    in_fresh_window(20)
    answers = race([(a[i % 3].port, "POST", "/api/auth/login", {"email": "nobody@example.com",
                                                                "password": WRONG_PASSWORD}, None, "127.0.1.52")
                    for i in range(LIMIT + 5)])
    counts = tally(answers)
    note(f"15 logins at once from 127.0.1.52 on the three instances: {counts}")
    check(f"{LIMIT + 5} logins at the same moment from one address on the three instances: exactly {LIMIT} pass, "
          "5 are 429", counts == {"401 invalid_credentials": LIMIT, "429 rate_limited": 5}, str(counts))


def scenario_redis_away(t, user_email):
    a = t.instances
    for x in a:
        r = call(x.port, "GET", "/health")
        check(f"with Redis up, {x.name}: /health is ok with checks.redis ok",
              r.status == 200 and r.get("status") == "ok" and (r.get("checks") or {}).get("redis") == "ok", str(r))
    stop_redis(t.redis)
    note("redis-server killed")
    tokens = []
    for i, x in enumerate(a):
        r = login(x.port, user_email, source=f"127.0.1.{60 + i}")
        check(f"with Redis away, a login on {x.name} answers 200", r.status == 200, str(r))
        if r.status == 200:
            tokens.append(r.get("accessToken"))
    for token in tokens:
        answers = [validate(x.port, token).status for x in a]
        check("with Redis away, the token validates on the three instances", answers == [200] * 3, str(answers))
    for x in a:
        r = call(x.port, "GET", "/health")
        checks = r.get("checks") or {}
        check(f"with Redis away, {x.name}: /health is 200 degraded, checks.redis not ok, database ok",
              r.status == 200 and r.get("status") == "degraded" and checks.get("redis") not in (None, "ok")
              and checks.get("database") == "ok", str(r))
    # Limits counted in each process, never none at all.
    in_fresh_window(20)
    answers = [login(a[0].port, "nobody@example.com", WRONG_PASSWORD, source="127.0.1.70") for _ in range(LIMIT + 2)]
    note(f"{LIMIT + 2} logins from 127.0.1.70 on {a[0].name} with Redis away: " + " ".join(r.outcome for r in answers))
    check(f"with Redis away, {a[0].name} still limits one address: {LIMIT} pass, then 429",
          [r.status for r in answers] == [401] * LIMIT + [429] * 2, str(tally(answers)))
    r = login(a[1].port, "nobody@example.com", WRONG_PASSWORD, source="127.0.1.70")
    check(f"... and {a[1].name} counts on its own (documented: per instance while Redis is away): 401, not 429",
          r.status == 401, str(r))
    for x in a:
        unreachable = lambda: [l for l in x.log().splitlines() if "redis" in l.lower() and "unreachable" in l.lower()]
        poll(unreachable, 5)  # the log's thread writes the line a few milliseconds after the answer
        lines = unreachable()
        check(f"{x.name} logs once that Redis is unreachable", len(lines) == 1, f"{len(lines)} lines")


# ---- main ----------------------------------------------------------------------------------------


def run(t):
    if not check("nginx is installed (scripts/setup installs it)", shutil.which("nginx")):
        return
    if not check("redis-server is installed (scripts/setup installs it)", shutil.which("redis-server")):
        return
    t.db_url, t.drop_database = scratch_database(t.backend)
    if not t.db_url:
        return
    t.redis_port = free_port()
    t.redis = start_redis(t.redis_port, t.work)
    if t.redis:
        processes.append(t.redis)
    if not check(f"redis-server starts on 127.0.0.1:{t.redis_port}", t.redis):
        return

    timings = []

    def timed(name, fn, *args):
        print(f"== {name}", flush=True)
        started = time.monotonic()
        try:
            fn(*args)
        except Exception:  # a bug in the test itself, or something nobody foresaw: a failure, never silent
            traceback.print_exc()
            check(f"{name}: the scenario ran to its end", False)
        timings.append(f"{name} {time.monotonic() - started:.1f} s")

    print("== phase A: rate limits off", flush=True)
    if not t.start_instances("a", {"AUTH_RATE_LIMIT_PER_MINUTE": "0"}):
        return
    timed("start", scenario_start, t)
    if not t.start_gateway("a"):
        return
    timed("gateway", scenario_gateway_spreads, t)
    if not create_admin(t):
        return
    _, r, redis_user = user_signed_in("phase B's user", t.instances[0].port, "redis-away")
    timed("revocation", scenario_revocation, t)
    timed("lockout", scenario_lockout, t)
    timed("single_use", scenario_single_use, t)
    timed("kill", scenario_kill, t)
    for x in t.instances[:2]:
        code = x.stop()
        check(f"SIGTERM stops {x.name} with exit 0", code == 0, str(code))
    t.gateway.stop()

    print(f"== phase B: AUTH_RATE_LIMIT_PER_MINUTE={LIMIT}", flush=True)
    if not t.start_instances("b", {"AUTH_RATE_LIMIT_PER_MINUTE": str(LIMIT)}):
        return
    if not t.start_gateway("b"):
        return
    timed("rate_limit", scenario_rate_limit, t)
    timed("redis_away", scenario_redis_away, t, redis_user)
    for x in t.instances:
        code = x.stop()
        check(f"SIGTERM stops {x.name} with exit 0", code == 0, str(code))
    note("scenario times: " + ", ".join(timings))


def main():
    if len(sys.argv) != 3 or sys.argv[2] not in ("postgresql", "mariadb"):
        print(f"usage: {sys.argv[0]} AUTHD_EXECUTABLE postgresql|mariadb", file=sys.stderr)
        return 2
    binary = os.path.realpath(sys.argv[1])
    if not check(f"{binary} is an executable", os.access(binary, os.X_OK)):
        print(f"{passed} passed, {failed} failed")
        return 1
    started = time.monotonic()
    t = Topology(binary, sys.argv[2])
    try:
        run(t)
    except Exception:
        traceback.print_exc()
        check("the test ran to its end", False)
    finally:
        t.stop_all()
        if failed:
            t.print_logs()
        if t.drop_database:
            try:
                r = t.drop_database()
                check("the scratch database is dropped", r.returncode == 0, r.stderr.decode(errors="replace")[-500:])
            except subprocess.TimeoutExpired:
                check("the scratch database is dropped", False, "the client was still running after 60 s")
        shutil.rmtree(t.work, ignore_errors=True)
    note(f"{time.monotonic() - started:.1f} s in all")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
