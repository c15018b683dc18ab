#!/usr/bin/env bash
# Asymmetric access tokens (EdDSA, then ES256) as services that never saw authd's code check them: Python's PyJWT and
# Node's jose each fetch the JWKS and verify on their own. Two authd processes share one database:
#   - a token minted on one verifies on the other, before and after a rotation made on either;
#   - a forged kid, alg swapped to HS256 keyed with the public key, and a wrong audience are refused by authd and by
#     both libraries;
#   - a token of a key that has left the JWKS no longer verifies anywhere.
#   jwt_interop_test.sh AUTHD_EXECUTABLE NODE REPOSITORY_ROOT
set -uo pipefail
authd=$(realpath "$1")
node=$2
export AUTHD_ROOT=$3
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
pids=()
cleanup() {
  local p
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
  rm -rf "$work"
}
trap cleanup EXIT
failures=0 passes=0
check() {  # check "what" command...
  local what=$1; shift
  if "$@" >/dev/null 2>&1; then passes=$((passes + 1)); else echo "FAILED: $what"; failures=$((failures + 1)); fi
}
fatal() { echo "FATAL: $*"; for f in "$work"/*.log; do [ -f "$f" ] && tail -n 20 "$f"; done; exit 1; }

# Debian's python3 has python3-jwt; another python3 first on PATH may not.
python=python3
[ -x /usr/bin/python3 ] && python=/usr/bin/python3
"$python" -c 'import jwt, cryptography' 2>/dev/null || fatal "PyJWT is not installed (scripts/setup installs python3-jwt)"
[ -f "$AUTHD_ROOT/node_modules/jose/package.json" ] || fatal "jose is not installed (scripts/setup runs npm ci)"
command -v sqlite3 >/dev/null || fatal "sqlite3 is not installed"

free_port() { "$python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_http() {  # wait_http URL PID: polls until URL answers, at most ~20 s
  local i
  for i in $(seq 1 400); do
    curl -s -o /dev/null "$1" && return 0
    kill -0 "$2" 2>/dev/null || return 1
    sleep 0.05
  done
  return 1
}
json_field() { "$python" -c 'import json, sys; print(json.load(sys.stdin).get(sys.argv[1], ""))' "$1"; }
status() {  # status METHOD URL [TOKEN]
  curl -s -o /dev/null -w '%{http_code}' -X "$1" ${3:+-H "Authorization: Bearer $3"} "$2"
}
login() {  # login BASE: an access token of ana
  curl -s -X POST -H 'Content-Type: application/json' \
    -d '{"email":"ana@example.com","password":"correct horse battery"}' "$1/api/auth/login" | json_field accessToken
}
kid_of() { "$python" -c 'import jwt, sys; print(jwt.get_unverified_header(sys.argv[1]).get("kid", ""))' "$1"; }
pyjwt() { "$python" "$here/verify_pyjwt.py" "$1/.well-known/jwks.json" "$alg" orders "$2"; }
jose() { "$node" "$here/verify_jose.mjs" "$1/.well-known/jwks.json" "$alg" orders "$2"; }
refused_for() {  # refused_for REASON VERIFIER...: the verifier exits 1 naming REASON (not, say, a failed fetch)
  local reason=$1 out; shift
  out=$("$@") && return 1
  grep -qE -e "^refused: ($reason):" <<<"$out"
}
all_refuse() {  # all_refuse BASE TOKEN PYJWT_REASON JOSE_REASON: authd, PyJWT and jose refuse it, for that reason
  [ "$(status GET "$1/api/auth/me" "$2")" = 401 ] && [ "$(status POST "$1/api/v1/auth/validate" "$2")" = 401 ] &&
    refused_for "$3" pyjwt "$1" "$2" && refused_for "$4" jose "$1" "$2"
}
# Why each verifier refuses: no key in the set has the token's kid, or the token's alg is not the one expected.
no_key=(PyJWKClientError ERR_JWKS_NO_MATCHING_KEY)
wrong_alg=(InvalidAlgorithmError ERR_JOSE_ALG_NOT_ALLOWED)
all_accept() {  # all_accept BASE TOKEN SUBJECT
  [ "$(status GET "$1/api/auth/me" "$2")" = 200 ] && [ "$(pyjwt "$1" "$2")" = "$3" ] && [ "$(jose "$1" "$2")" = "$3" ]
}

for alg in EdDSA ES256; do
  db="$work/$alg.db"
  settings=(APP_ENV=production HOST=127.0.0.1 DATABASE_URL="sqlite:///$db" JWT_ALGORITHM="$alg" JWT_AUDIENCE=orders
    JWT_SECRET_KEY="$(openssl rand -hex 32)" DB_ENCRYPTION_KEY="$(openssl rand -hex 32)" ACCESS_LOG=0
    RATE_LIMIT_PER_MINUTE=0 AUTH_RATE_LIMIT_PER_MINUTE=0 CLEANUP_INTERVAL_MINUTES=0)
  env "${settings[@]}" "$authd" migrate >/dev/null 2>"$work/migrate.log" || fatal "$alg: migrate failed"
  bases=()
  for instance in a b; do
    port=$(free_port)
    env "${settings[@]}" PORT="$port" "$authd" serve >"$work/$alg-$instance.log" 2>&1 &
    pids+=($!)
    wait_http "http://127.0.0.1:$port/health/live" "$!" || fatal "$alg: instance $instance did not start"
    bases+=("http://127.0.0.1:$port")
  done
  a=${bases[0]} b=${bases[1]}
  curl -s -o /dev/null -X POST -H 'Content-Type: application/json' \
    -d '{"email":"ana@example.com","password":"correct horse battery","name":"Ana"}' "$a/api/auth/register"
  ana=$(sqlite3 -cmd '.timeout 5000' "$db" "SELECT id FROM users WHERE email = 'ana@example.com'")
  check "$alg: ana is registered" test -n "$ana"

  first=$(login "$a")
  # A kid is base64url and may start with '-': grep gets it after -e, never as an option.
  first_kid=$(kid_of "$first")
  check "$alg: the token names a key" test -n "$first_kid"
  check "$alg: the JWKS of each instance lists that key" bash -c \
    'curl -s "$1/.well-known/jwks.json" | grep -qF -e "$3" && curl -s "$2/.well-known/jwks.json" | grep -qF -e "$3"' \
    _ "$a" "$b" "$first_kid"
  check "$alg: the token minted on a verifies on a, on b, with PyJWT and with jose" all_accept "$a" "$first" "$ana"
  check "$alg: and on b" all_accept "$b" "$first" "$ana"

  # Forgeries. A kid that names no key:
  forged_kid=$("$python" - "$first" <<'PY'
import base64, json, sys
header, payload, signature = sys.argv[1].split(".")
h = json.loads(base64.urlsafe_b64decode(header + "=" * (-len(header) % 4)))
h["kid"] = "forged"
print(base64.urlsafe_b64encode(json.dumps(h).encode()).rstrip(b"=").decode() + "." + payload + "." + signature)
PY
)
  check "$alg: a forged kid is refused by authd, PyJWT and jose" all_refuse "$a" "$forged_kid" "${no_key[@]}"
  # HS256 keyed with the public key, which anyone can fetch:
  public_pem=$(sqlite3 -cmd '.timeout 5000' "$db" "SELECT public_pem FROM signing_keys LIMIT 1")
  confused=$("$python" - "$first" "$public_pem" <<'PY'
import base64, hashlib, hmac, json, sys
header, payload, _ = sys.argv[1].split(".")
h = json.loads(base64.urlsafe_b64decode(header + "=" * (-len(header) % 4)))
h["alg"] = "HS256"
head = base64.urlsafe_b64encode(json.dumps(h).encode()).rstrip(b"=").decode()
mac = hmac.new(sys.argv[2].encode(), f"{head}.{payload}".encode(), hashlib.sha256).digest()
print(f"{head}.{payload}." + base64.urlsafe_b64encode(mac).rstrip(b"=").decode())
PY
)
  check "$alg: alg swapped to HS256 with the public key as secret is refused everywhere" \
    all_refuse "$a" "$confused" "${wrong_alg[@]}"
  check "$alg: PyJWT refuses a token for another audience" \
    refused_for InvalidAudienceError "$python" "$here/verify_pyjwt.py" "$a/.well-known/jwks.json" "$alg" billing "$first"

  # A rotation on a (the admin route would do the same): a's next token names the new key, and b verifies it at once.
  rotated=$(env "${settings[@]}" "$authd" keys rotate 2>>"$work/keys.log")
  check "$alg: authd keys rotate names the new key" grep -q "new signing key" <<<"$rotated"
  listed=$(env "${settings[@]}" "$authd" keys list 2>>"$work/keys.log")
  check "$alg: authd keys list shows an active and a retired key" bash -c \
    "grep -q ' active ' <<<'$listed' && grep -q ' retired ' <<<'$listed'"
  check "$alg: the token minted before the rotation still verifies on both and in both libraries" all_accept "$b" "$first" "$ana"
  new_kid=$(sqlite3 -cmd '.timeout 5000' "$db" "SELECT kid FROM signing_keys WHERE retired_at IS NULL")
  # The instances sign with the new key once they read the keys again (an unknown kid, or 30 s): a token of it
  # made by a third process must verify on both at once.
  third_port=$(free_port)
  env "${settings[@]}" PORT="$third_port" "$authd" serve >"$work/$alg-c.log" 2>&1 &
  pids+=($!)
  wait_http "http://127.0.0.1:$third_port/health/live" "$!" || fatal "$alg: instance c did not start"
  fresh=$(login "http://127.0.0.1:$third_port")
  check "$alg: a process started after the rotation signs with the new key" test "$(kid_of "$fresh")" = "$new_kid"
  check "$alg: its token verifies on a at once (a reads the keys again for an unknown kid)" all_accept "$a" "$fresh" "$ana"
  check "$alg: and on b" all_accept "$b" "$fresh" "$ana"

  # The old key's tokens have all expired: it leaves the set (pushed back in time here), and nothing accepts its
  # tokens any more.
  old_kid=$first_kid
  sqlite3 -cmd '.timeout 5000' "$db" "UPDATE signing_keys SET retired_at = '2000-01-01 00:00:00' WHERE kid = '$old_kid'"
  check "$alg: a rotation through the admin route is refused without a token" test "$(status POST "$b/api/admin/keys/rotate")" = 401
  # An admin rotates through b: b signs with the newest key at once, and no longer holds the expired one.
  sqlite3 -cmd '.timeout 5000' "$db" "INSERT INTO user_roles (user_id, role) VALUES ('$ana', 'admin')"
  admin=$(login "$b")
  newest=$(curl -s -X POST -H "Authorization: Bearer $admin" "$b/api/admin/keys/rotate" | json_field kid)
  check "$alg: the admin route names the newest key" test -n "$newest"
  check "$alg: b signs with it at once" test "$(kid_of "$(login "$b")")" = "$newest"
  check "$alg: the rotation is in the audit trail" bash -c \
    "curl -s -H 'Authorization: Bearer $(login "$b")' '$b/api/admin/audit?type=signing_key_rotated' | grep -q 'kid $newest'"
  jwks=$(curl -sf "$b/.well-known/jwks.json")
  check "$alg: the expired key has left b's JWKS" bash -c 'grep -q "\"keys\"" <<<"$1" && ! grep -qF -e "$2" <<<"$1"' \
    _ "$jwks" "$old_kid"
  check "$alg: its token is refused by b, PyJWT and jose" all_refuse "$b" "$first" "${no_key[@]}"

  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
  pids=()
done

echo "$passes passed, $failures failed"
[ "$failures" -eq 0 ]
