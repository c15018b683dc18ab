#!/usr/bin/env python3
"""The compose stack is safe as shipped: production mode, no secret with a fallback, authd reachable only through the
gateway it trusts, and the placeholders of docker/.env.example refused by authd itself.
Usage: compose_check.py AUTHD_EXECUTABLE REPOSITORY_ROOT"""
import os
import re
import subprocess
import sys
import tempfile

import yaml

authd, root = sys.argv[1], sys.argv[2]
failures = passes = 0


def check(what, ok, detail=""):
    global failures, passes
    if ok:
        passes += 1
    else:
        failures += 1
        print(f"FAILED: {what} {detail}")


text = open(os.path.join(root, "docker/docker-compose.yml")).read()
compose = yaml.safe_load(text)
services = compose["services"]
env = services["authd"]["environment"]

check("authd runs in production", env.get("APP_ENV") == "production", env.get("APP_ENV"))
check("authd publishes no port on the host", "ports" not in services["authd"])
for name in ("JWT_SECRET_KEY", "DB_ENCRYPTION_KEY", "POSTGRES_PASSWORD", "MARIADB_PASSWORD"):
    check(f"{name} has no fallback value", not re.search(r"\$\{" + name + r":?-", text))
for key, value in env.items():
    if isinstance(value, str) and ("SECRET" in key or "KEY" in key or "PASSWORD" in key):
        check(f"{key} comes from the environment file, required", re.fullmatch(r"\$\{\w+:\?[^}]*\}", value) is not None,
              value)
check("the database password is required", ":?" in env["DATABASE_URL"], env["DATABASE_URL"])
gateway_ip = services["gateway"]["networks"]["internal"]["ipv4_address"]
check("authd trusts exactly the gateway's address", env.get("TRUSTED_PROXIES") == gateway_ip,
      f"{env.get('TRUSTED_PROXIES')} vs {gateway_ip}")
check("only the gateway publishes a port",
      [name for name, s in services.items() if "ports" in s] == ["gateway"])
check("MariaDB's root password is not a fixed value", "MARIADB_ROOT_PASSWORD" not in services["mysql"]["environment"])

# The placeholders of .env.example stop authd in production, named, never echoed.
example = dict(line.split("=", 1) for line in open(os.path.join(root, "docker/.env.example")).read().splitlines()
               if line and not line.startswith("#"))
with tempfile.TemporaryDirectory() as work:
    run = subprocess.run([authd, "keys", "list"], capture_output=True, text=True, timeout=60,
                         env={"PATH": os.environ.get("PATH", ""), "APP_ENV": "production", "JWT_ALGORITHM": "EdDSA",
                              "DATABASE_URL": f"sqlite:///{work}/authd.db",
                              "DB_ENCRYPTION_KEY": example["DB_ENCRYPTION_KEY"]})
    check(".env.example's DB_ENCRYPTION_KEY stops the start (exit 2)", run.returncode == 2, str(run.returncode))
    check("the refusal names DB_ENCRYPTION_KEY", "DB_ENCRYPTION_KEY" in run.stderr, run.stderr)
    check("the refusal does not echo the value", example["DB_ENCRYPTION_KEY"] not in run.stderr + run.stdout)

print(f"{passes} passed, {failures} failed")
sys.exit(1 if failures else 0)
