#!/usr/bin/python3
"""A throwaway SMTP server for tests: accepts every message and keeps it, one file each.

Run by scripts/smtp-server (start it there rather than by hand). Debian's python3-aiosmtpd is
installed for Debian's interpreter, hence /usr/bin/python3 rather than whatever python3 is first
on PATH.

    smtp_sink.py --folder DIR --port-file FILE [--host 127.0.0.1] [--port 0] [--starttls CERT KEY]
                 [--owner PID]

Each message becomes DIR/000001.eml, DIR/000002.eml, ... in arrival order, written to a hidden
temporary file and renamed, so that a reader never sees half a message. A file is the raw message
as the client sent it, after three lines the sink adds in front (the way an MTA adds Return-Path):

    X-Sink-Mail-From: <sender>
    X-Sink-Rcpt-To: <rcpt1>, <rcpt2>
    X-Sink-TLS: yes|no          (whether the session was under TLS when DATA came)

With --starttls the server offers STARTTLS with that certificate and refuses MAIL before it
(aiosmtpd's require_starttls). The port actually bound (--port 0: any free one) is written to
--port-file once the server accepts connections. SIGTERM or SIGINT stops it, and so does the end of
the --owner process (a test killed by its runner's timeout runs no cleanup of its own).
"""
import argparse
import asyncio
import os
import re
import signal
import socket
import ssl
import sys

try:
    from aiosmtpd.smtp import SMTP
except ImportError:  # pragma: no cover
    sys.exit("smtp_sink.py: aiosmtpd is missing (Debian: apt-get install python3-aiosmtpd; scripts/setup does)")


class FolderSink:
    """aiosmtpd handler: every message to its own numbered file, atomically."""

    def __init__(self, folder):
        self.folder = folder
        os.makedirs(folder, exist_ok=True)
        # Numbering goes on after a restart on the same folder (an outage test stops and starts the server).
        numbers = [int(m.group(1)) for m in (re.fullmatch(r"(\d+)\.eml", n) for n in os.listdir(folder)) if m]
        self.count = max(numbers, default=0)

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        name = "%06d.eml" % self.count
        rcpts = ", ".join("<%s>" % r for r in envelope.rcpt_tos)
        head = "X-Sink-Mail-From: <%s>\r\nX-Sink-Rcpt-To: %s\r\nX-Sink-TLS: %s\r\n" % (
            envelope.mail_from, rcpts, "yes" if session.ssl is not None else "no")
        content = envelope.original_content
        if isinstance(content, str):  # pragma: no cover (decode_data=False gives bytes)
            content = content.encode("utf-8", "surrogateescape")
        tmp = os.path.join(self.folder, ".tmp-" + name)
        with open(tmp, "wb") as f:
            f.write(head.encode("ascii", "backslashreplace") + content)
            f.flush()
            os.fsync(f.fileno())
        os.rename(tmp, os.path.join(self.folder, name))
        return "250 2.0.0 OK kept as " + name


async def watch_owner(pid, stop):
    while True:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            stop.set()
            return
        except PermissionError:  # alive, someone else's: not ours to judge
            pass
        await asyncio.sleep(1)


def main():
    p = argparse.ArgumentParser(description="throwaway SMTP server that keeps each message in a file")
    p.add_argument("--folder", required=True)
    p.add_argument("--port-file", required=True)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--starttls", nargs=2, metavar=("CERT", "KEY"))
    p.add_argument("--owner", type=int, default=0, help="stop when this process is gone")
    args = p.parse_args()

    tls = None
    if args.starttls:
        tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls.load_cert_chain(args.starttls[0], args.starttls[1])

    handler = FolderSink(args.folder)
    # Bound here rather than by aiosmtpd's Controller: port 0 then gives a free port without a race, and the
    # Controller's self-check would connect to port 0.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((args.host, args.port))
    sock.listen(64)
    port = sock.getsockname()[1]

    def factory():
        # hostname given: aiosmtpd's default, socket.getfqdn(), may wait for DNS.
        return SMTP(handler, hostname="localhost", tls_context=tls, require_starttls=tls is not None,
                    decode_data=False, enable_SMTPUTF8=True)

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    server = loop.run_until_complete(loop.create_server(factory, sock=sock))
    tmp = args.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % port)
    os.rename(tmp, args.port_file)

    stop = asyncio.Event()
    for s in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(s, stop.set)
    if args.owner > 0:
        loop.create_task(watch_owner(args.owner, stop))
    loop.run_until_complete(stop.wait())
    server.close()
    loop.run_until_complete(server.wait_closed())
    loop.close()


if __name__ == "__main__":
    main()
