#!/usr/bin/env python3
"""A webhook receiver for delivery_e2e_test.sh, as an operator would write one: on loopback, it
checks authd's signature before it believes a body.

    webhook_receiver.py --folder DIR [--port 0] [--fail-first N] [--max-age 300]

The shared secret comes from the environment, WEBHOOK_SECRET (not the command line, which ps shows).
A request is accepted when X-Authd-Signature is "t=<unix seconds>,v1=<hex>" with v1 the
HMAC-SHA256 of "<t>.<raw body>" under the secret (compared in constant time), t is at most
--max-age seconds old (and not that far ahead), the body is a JSON object and X-Authd-Message-Id
is its "id". Anything else gets 401 (bad signature or timestamp) or 400.

Of the accepted requests, the first --fail-first ones are answered 500 (a receiver having a bad
moment) and not kept; after that each is answered 200 and its body kept as
DIR/accepted/000001.json, 000002.json, ... (written whole, then renamed). Every request, whatever
its fate, adds a line to DIR/requests.log: "<status> <path> <message id> <reason>".
The port bound (--port 0: a free one) is written to DIR/port once requests are served.
"""
import argparse
import hashlib
import hmac
import json
import os
import re
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SIGNATURE = re.compile(r"t=(\d{1,12}),v1=([0-9a-f]{64})")


class State:
    def __init__(self, folder, secret, fail_first, max_age):
        self.folder = folder
        self.secret = secret
        self.fail_left = fail_first
        self.max_age = max_age
        self.accepted = 0
        self.lock = threading.Lock()
        os.makedirs(os.path.join(folder, "accepted"), exist_ok=True)

    def log(self, status, path, message_id, reason):
        line = "%d %s %s %s\n" % (status, path, message_id or "-", reason)
        with self.lock, open(os.path.join(self.folder, "requests.log"), "a") as f:
            f.write(line)

    def keep(self, body):
        with self.lock:
            self.accepted += 1
            name = "%06d.json" % self.accepted
            tmp = os.path.join(self.folder, "accepted", ".tmp-" + name)
            with open(tmp, "wb") as f:
                f.write(body)
                f.flush()
                os.fsync(f.fileno())
            os.rename(tmp, os.path.join(self.folder, "accepted", name))


def check(state, headers, body):
    """None when the request is authd's, else (status, reason)."""
    match = SIGNATURE.fullmatch(headers.get("X-Authd-Signature", ""))
    if not match:
        return 401, "no or malformed X-Authd-Signature"
    t, given = match.group(1), match.group(2)
    expected = hmac.new(state.secret, t.encode("ascii") + b"." + body, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, given):
        return 401, "bad signature"
    if abs(time.time() - int(t)) > state.max_age:
        return 401, "stale timestamp"
    try:
        doc = json.loads(body)
    except ValueError:
        return 400, "body is not JSON"
    if not isinstance(doc, dict) or doc.get("id") != headers.get("X-Authd-Message-Id"):
        return 400, "X-Authd-Message-Id is not the body's id"
    return None


def make_handler(state):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def answer(self, status, text):
            data = (text + "\n").encode()
            self.send_response(status)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length > 0 else b""
            message_id = self.headers.get("X-Authd-Message-Id")
            refusal = check(state, self.headers, body)
            if refusal:
                state.log(refusal[0], self.path, message_id, refusal[1])
                return self.answer(refusal[0], refusal[1])
            with state.lock:
                fail = state.fail_left > 0
                if fail:
                    state.fail_left -= 1
            if fail:
                state.log(500, self.path, message_id, "failing on purpose")
                return self.answer(500, "failing on purpose")
            state.keep(body)
            state.log(200, self.path, message_id, "accepted")
            self.answer(200, "ok")

        def do_GET(self):
            self.answer(405, "POST only")

        def log_message(self, *args):  # requests.log says what matters; nothing on stderr
            pass

    return Handler


def main():
    p = argparse.ArgumentParser(description="signature-checking webhook receiver for tests")
    p.add_argument("--folder", required=True)
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--fail-first", type=int, default=0)
    p.add_argument("--max-age", type=int, default=300)
    args = p.parse_args()
    secret = os.environ.get("WEBHOOK_SECRET", "")
    if len(secret) < 32:
        sys.exit("webhook_receiver.py: WEBHOOK_SECRET must be set, at least 32 bytes")

    state = State(args.folder, secret.encode(), args.fail_first, args.max_age)
    server = ThreadingHTTPServer(("127.0.0.1", args.port), make_handler(state))
    server.daemon_threads = True
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
    port_file = os.path.join(args.folder, "port")
    with open(port_file + ".tmp", "w") as f:
        f.write("%d\n" % server.server_address[1])
    os.rename(port_file + ".tmp", port_file)
    server.serve_forever()
    server.server_close()


if __name__ == "__main__":
    main()
