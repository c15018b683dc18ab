"""Throwaway servers on loopback for the Python tests that drive real processes (tests/hostile, tests/topology)."""
import re
import signal
import socket
import subprocess
import time


def poll(cond, seconds, interval=0.05):
    """True as soon as cond() is; False after `seconds` (bounded in count and time)."""
    deadline = time.monotonic() + seconds
    for _ in range(int(seconds / interval) + 2):
        if cond():
            return True
        if time.monotonic() >= deadline:
            break
        time.sleep(interval)
    return False


def read_text(path):
    """The file as text (bytes that are not UTF-8 replaced), or "" when it cannot be read."""
    try:
        with open(path, "rb") as f:
            return f.read().decode("utf-8", "replace")
    except OSError:
        return ""


class AuthdProcess:
    """`authd serve` with its stdout and stderr in files (no pipe can ever fill up)."""

    def __init__(self, name, binary, env, out_path, err_path):
        self.name = name
        self.binary = binary
        self.env = env
        self.out_path = out_path
        self.err_path = err_path
        self.proc = None
        self.port = None

    def start(self):
        with open(self.out_path, "ab") as out, open(self.err_path, "ab") as err:
            self.proc = subprocess.Popen([self.binary, "serve"], env=self.env, stdin=subprocess.DEVNULL,
                                         stdout=out, stderr=err, start_new_session=True)
        return self.proc

    def listening(self):
        """True once its "listening on HOST:PORT" line is there (and sets the port)."""
        if self.port is None:
            m = re.search(r"listening on .*:(\d+)", read_text(self.err_path))
            if m:
                self.port = int(m.group(1))
        return self.port is not None

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self, timeout=20):
        """SIGTERM, then its exit code (SIGKILL after `timeout` seconds); None when it never started."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=timeout)
        return self.proc.returncode

    def log(self):
        return read_text(self.out_path) + read_text(self.err_path)

    def print_tail(self, lines=12):
        for kind, path in (("stdout", self.out_path), ("stderr", self.err_path)):
            text = read_text(path).splitlines()
            # A sanitizer report is hundreds of frames long: its head and SUMMARY say what happened.
            report = [i for i, l in enumerate(text) if "ERROR: AddressSanitizer" in l or "runtime error:" in l]
            shown = (text[report[0]:report[0] + 8] + ["..."] if report else []) + text[-lines:]
            if text:
                print(f"---- {self.name} {kind} ----")
                print("\n".join(l[:300] for l in shown), flush=True)


def free_port():
    """A port the kernel says is free on 127.0.0.1 right now."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def start_redis(port, workdir):
    """redis-server on 127.0.0.1:port, without persistence; the process once it answers PING (within 15 s), or
    None."""
    proc = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no", "--dir", workdir], stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                s.sendall(b"PING\r\n")
                if s.recv(64).startswith(b"+PONG"):
                    return proc
        except OSError:
            pass
        time.sleep(0.05)
    proc.kill()
    proc.wait(timeout=10)
    return None


def stop_redis(proc):
    """Kills it: a crash, not a shutdown, which is what an outage looks like to authd."""
    if proc and proc.poll() is None:
        proc.kill()
        proc.wait(timeout=10)
