"""Throwaway servers on loopback for the Python tests that drive real processes (tests/hostile, tests/topology)."""
import socket
import subprocess
import time


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
