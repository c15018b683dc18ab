#!/usr/bin/env bash
# The gateway of API.md "Gateway": docker/nginx/nginx.conf run by Debian's nginx on loopback in
# front of the real authd and a stub upstream that echoes the headers it received (standing in
# for the inventory, bookings and search services), on an EdDSA deployment (JWT_ALGORITHM=EdDSA) with authd's
# default rate limits and TRUSTED_PROXIES naming the gateway. Checks routing of the whole contract, 401 without or
# with a bad token, 200 with a good one, X-Auth-Subject passed on (and not forgeable), 429 over the limit, and that
# clients behind the gateway keep budgets of their own: 200 users' protected requests all pass (auth_request is
# never throttled), and six bad logins from one client do not stop another's. Clients are told apart by the
# loopback address curl binds (127.0.1.x: Linux routes all of 127.0.0.0/8 to lo).
#   gateway_test.sh AUTHD_EXECUTABLE [NGINX_CONF]
set -uo pipefail
authd=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
conf=${2:-$here/../../docker/nginx/nginx.conf}
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
  if "$@"; then passes=$((passes + 1)); else echo "FAILED: $what"; failures=$((failures + 1)); fi
}
fatal() { echo "FATAL: $*"; for f in "$work"/*/error.log; do [ -f "$f" ] && tail -n 20 "$f"; done; echo "$passes passed, $((failures + 1)) failed"; exit 1; }
command -v nginx >/dev/null || fatal "nginx is not installed (scripts/setup installs it)"
nginx -V 2>&1 | grep -q with-http_auth_request_module || fatal "this nginx has no auth_request module"
# nginx workers run as nobody when started by root: let them into the temp folder.
chmod 755 "$work"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
gw_port=$(free_port)
stub_port=$(free_port)
while [ "$stub_port" = "$gw_port" ]; do stub_port=$(free_port); done

# Every path nginx writes goes into the temp folder; no system nginx file is touched.
temp_paths() {  # temp_paths DIR
  local out="client_body_temp_path $1/body;" m
  for m in proxy fastcgi uwsgi scgi; do
    nginx -V 2>&1 | grep -q -- "--without-http_${m}_module" || out+=" ${m}_temp_path $1/$m;"
  done
  echo "$out"
}
start_nginx() {  # start_nginx DIR: runs DIR/nginx.conf in the foreground, in the background
  # -e: nginx opens its default error log before reading the config; point that one here too.
  nginx -p "$1" -c "$1/nginx.conf" -e "$1/error.log" -g 'daemon off;' >"$1/stdout.log" 2>&1 &
  pids+=($!)
}
wait_http() {  # wait_http URL PID: polls until URL answers (any status), at most ~10 s
  local i
  for i in $(seq 1 200); do
    curl -s -o /dev/null "$1" && return 0
    kill -0 "$2" 2>/dev/null || return 1
    sleep 0.05
  done
  return 1
}

# ---- authd on a free port, read from its stderr ------------------------------------------
mkfifo "$work/authd.stderr"
env HOST=127.0.0.1 PORT=0 APP_ENV=development DATABASE_URL="sqlite:///$work/authd.db" ACCESS_LOG=0 JWT_ALGORITHM=EdDSA \
    TRUSTED_PROXIES=127.0.0.1 OUTBOX_RELAY_INTERVAL_MS=0 \
    "$authd" serve 2>"$work/authd.stderr" >/dev/null &
pids+=($!)
exec 3<"$work/authd.stderr"
authd_port=""
while read -r -t 60 line <&3; do
  [[ $line =~ listening\ on\ .*:([0-9]+) ]] && { authd_port=${BASH_REMATCH[1]}; break; }
done
# Keep draining authd's stderr so that it never blocks on a full pipe.
cat <&3 >"$work/authd.log" &
pids+=($!)
exec 3<&-
[ -n "$authd_port" ] || fatal "authd did not announce its port"

# ---- the stub upstream: echoes what the gateway sent it ----------------------------------
mkdir -p "$work/stub"
cat >"$work/stub/nginx.conf" <<EOF
worker_processes 1;
pid $work/stub/nginx.pid;
error_log $work/stub/error.log warn;
events { worker_connections 64; }
http {
  access_log off;
  $(temp_paths "$work/stub")
  server {
    listen 127.0.0.1:$stub_port;
    default_type text/plain;
    location / {
      return 200 "stub uri=\$request_uri subject=\$http_x_auth_subject roles=\$http_x_auth_roles type=\$http_x_auth_principal_type\n";
    }
  }
}
EOF
start_nginx "$work/stub"
stub_pid=$!

# ---- the gateway: docker/nginx/nginx.conf with loopback addresses -------------------------
mkdir -p "$work/gw"
sed -e "s|^worker_processes auto;|worker_processes 1;|" \
    -e "s|^error_log /dev/stderr warn;|error_log $work/gw/error.log warn; pid $work/gw/nginx.pid;|" \
    -e "s|access_log /dev/stdout;|access_log $work/gw/access.log; $(temp_paths "$work/gw")|" \
    -e "s|listen 80;|listen 127.0.0.1:$gw_port;|" \
    -e "s|server authd:3003;|server 127.0.0.1:$authd_port;|" \
    -e "s|inventory:8080;|127.0.0.1:$stub_port;|" \
    -e "s|bookings:8080;|127.0.0.1:$stub_port;|" \
    -e "s|search:8080;|127.0.0.1:$stub_port;|" \
    "$conf" >"$work/gw/nginx.conf"
# Every replacement must have applied: a renamed line in nginx.conf must break this test, not skip it.
for gone in 'listen 80;' 'authd:3003' 'inventory:8080;' 'bookings:8080;' 'search:8080;' '/dev/stderr' '/dev/stdout'; do
  grep -v '^ *#' "$work/gw/nginx.conf" | grep -qF "$gone" && fatal "rendering left '$gone' in the gateway config"
done
nginx -t -p "$work/gw" -c "$work/gw/nginx.conf" -e "$work/gw/error.log" >"$work/gw/test.log" 2>&1 ||
  { cat "$work/gw/test.log"; fatal "nginx -t rejects the gateway config"; }
start_nginx "$work/gw"
gw_pid=$!
gw="http://127.0.0.1:$gw_port"
wait_http "http://127.0.0.1:$stub_port/" "$stub_pid" || fatal "the stub upstream did not start"
wait_http "$gw/health" "$gw_pid" || fatal "the gateway did not start"

status() { curl -s -o /dev/null -w '%{http_code}' "$@"; }

# ---- public routes ------------------------------------------------------------------------
check "/health through the gateway is 200" test "$(status "$gw/health")" = 200
check "/health through the gateway is authd's" grep -q '"status":"ok"' <<<"$(curl -s "$gw/health")"
check "/health/live through the gateway is 200" test "$(status "$gw/health/live")" = 200
code=$(status -X POST "$gw/api/auth/register" -H 'Content-Type: application/json' \
  -d '{"email":"gw@example.com","password":"correct horse battery","name":"Gate Way"}')
check "register through the gateway without a token is 201 (got $code)" test "$code" = 201
login=$(curl -s -X POST "$gw/api/auth/login" -H 'Content-Type: application/json' \
  -d '{"email":"gw@example.com","password":"correct horse battery"}')
token=$(sed -n 's/.*"accessToken":"\([^"]*\)".*/\1/p' <<<"$login")
check "login through the gateway without a token gives an access token" test -n "$token"
header=$(python3 -c 'import base64,sys; h=sys.argv[1].split(".")[0]; print(base64.urlsafe_b64decode(h + "=" * (-len(h) % 4)).decode())' "$token")
check "the access token is EdDSA-signed and names its key" grep -q '"alg":"EdDSA","typ":"JWT","kid":"' <<<"$header"
auth=(-H "Authorization: Bearer $token")
sub=$(curl -s "http://127.0.0.1:$authd_port/api/v1/auth/validate" "${auth[@]}" | sed -n 's/.*"sub":"\([^"]*\)".*/\1/p')
check "validate (directly on authd) names the subject" test -n "$sub"

# ---- protected routes ---------------------------------------------------------------------
headers=$(curl -s -D - -o /dev/null "$gw/api/events")
check "GET /api/events without a token is 401" grep -q '^HTTP/1.1 401' <<<"$headers"
check "the 401 asks for a bearer token" grep -qi '^WWW-Authenticate: Bearer' <<<"$headers"
code=$(status "$gw/api/events" "${auth[@]}")
check "GET /api/events with the token is 200 (got $code)" test "$code" = 200
check "GET /api/events with a garbage token is 401" \
  test "$(status "$gw/api/events" -H 'Authorization: Bearer not.a.token')" = 401
check "GET /api/events with a non-bearer credential is 401" \
  test "$(status "$gw/api/events" -H 'Authorization: Basic Z3c6Z3c=')" = 401
check "GET /api/inventory/items without a token is 401" test "$(status "$gw/api/inventory/items")" = 401
stub=$(curl -s "$gw/api/inventory/items?page=2" "${auth[@]}")
check "GET /api/inventory/items with the token reaches the inventory upstream" \
  grep -qF "stub uri=/api/inventory/items?page=2 " <<<"$stub"
check "the upstream gets X-Auth-Subject = the validated subject" grep -qF "subject=$sub " <<<"$stub"
check "the upstream gets X-Auth-Principal-Type" grep -qF "type=user" <<<"$stub"
stub=$(curl -s "$gw/api/inventory/items" "${auth[@]}" -H 'X-Auth-Subject: someone-else' -H 'X-Auth-Roles: admin')
check "a client-sent X-Auth-Subject is replaced by the gateway" grep -qF "subject=$sub " <<<"$stub"
check "a client-sent X-Auth-Roles is replaced by the gateway" bash -c '! grep -qF "roles=admin " <<<"$1"' _ "$stub"
stub=$(curl -s "$gw/api/auth/me" "${auth[@]}" -H 'X-Auth-Subject: someone-else' -o /dev/null -w '%{http_code}')
check "a public route still works with a forged X-Auth-Subject (got $stub)" test "$stub" = 200
check "/api/bookings/* is routed to the bookings upstream" \
  grep -qF "stub uri=/api/bookings/42 subject=$sub " <<<"$(curl -s "$gw/api/bookings/42" "${auth[@]}")"
check "/api/search/* is routed to the search upstream" \
  grep -qF "stub uri=/api/search/events?q=x subject=$sub " <<<"$(curl -s "$gw/api/search/events?q=x" "${auth[@]}")"
check "/api/search without a token is 401" test "$(status "$gw/api/search/events")" = 401
check "a route the gateway does not know is 404" test "$(status "$gw/metrics")" = 404

# ---- authd's whole contract is routed -----------------------------------------------------
for path in /api/v1/auth/validate /api/admin/users /api/products /api/suppliers /api/auth/profile; do
  code=$(status "$gw$path")
  check "$path reaches authd through the gateway (401 without a token, got $code)" test "$code" = 401
done
check "/api/products with the token is authd's answer" test "$(status "$gw/api/products" "${auth[@]}")" = 200
check "/api/admin/users with a customer's token is authd's 403" test "$(status "$gw/api/admin/users" "${auth[@]}")" = 403
for page in /verify-email /reset-password /confirm-email-change; do
  check "$page reaches authd's page" grep -qi '^Content-Type: text/html' <<<"$(curl -s -D - -o /dev/null "$gw$page?token=x")"
done
check "/.well-known/jwks.json reaches authd" grep -q '"kty":"OKP"' <<<"$(curl -s "$gw/.well-known/jwks.json")"
check "/.well-known/openid-configuration reaches authd" \
  grep -q '"jwks_uri"' <<<"$(curl -s "$gw/.well-known/openid-configuration")"
check "/oauth2/introspect reaches authd (401 without client credentials)" \
  test "$(status -X POST "$gw/oauth2/introspect" -d "token=$token")" = 401

# ---- clients behind the gateway keep budgets of their own ---------------------------------
# authd's default limits are on (5 credential requests a minute per client): behind a gateway it did not trust,
# every client would share the gateway's budget.
as() { local ip=$1; shift; curl -s --interface "$ip" "$@"; }
# authd's windows start on whole minutes: of 11 logins, at most 5 pass in each of the (at most two) windows they span.
answers=()
for i in $(seq 1 11); do
  answers+=("$(as 127.0.1.1 -o /dev/null -w '%{http_code}' -X POST "$gw/api/auth/login" \
    -H 'Content-Type: application/json' -d '{"email":"nobody@example.com","password":"wrong password here"}')")
done
check "bad logins past five a minute from one client are refused (got ${answers[*]})" \
  grep -qw 429 <<<"${answers[*]}"
code=$(as 127.0.1.2 -o /dev/null -w '%{http_code}' -X POST "$gw/api/auth/login" -H 'Content-Type: application/json' \
  -d '{"email":"gw@example.com","password":"correct horse battery"}')
check "another client's login still passes (got $code)" test "$code" = 200
# 200 users, each from its own address: register, sign in, then one protected request each, all within a minute.
tokens=()
for i in $(seq 1 200); do
  ip=127.0.2.$i
  as "$ip" -o /dev/null -X POST "$gw/api/auth/register" -H 'Content-Type: application/json' \
    -d "{\"email\":\"user$i@example.com\",\"password\":\"correct horse battery\",\"name\":\"U\"}"
  t=$(as "$ip" -X POST "$gw/api/auth/login" -H 'Content-Type: application/json' \
    -d "{\"email\":\"user$i@example.com\",\"password\":\"correct horse battery\"}" |
    sed -n 's/.*"accessToken":"\([^"]*\)".*/\1/p')
  tokens+=("$t")
done
ok=0
for i in $(seq 1 200); do
  code=$(as "127.0.2.$i" -o /dev/null -w '%{http_code}' "$gw/api/inventory/items" -H "Authorization: Bearer ${tokens[$((i - 1))]}")
  [ "$code" = 200 ] && ok=$((ok + 1))
done
check "200 users' protected requests through auth_request all pass ($ok of 200)" test "$ok" -eq 200

# ---- 100 requests/minute per client IP ----------------------------------------------------
# One curl, 120 requests on one connection (URL globbing); rejected before auth_request runs.
# nginx adds one request back to the budget every 600 ms, during the burst too: a slow run may pass a few more.
started=$(date +%s%N)
codes=$(curl -s -D "$work/burst.headers" -w '\ncode=%{http_code}\n' "$gw/api/events?n=[1-120]" | grep '^code=')
allowed=$((100 + ($(date +%s%N) - started) / 600000000 + 1))
limited=$(grep -c '^code=429$' <<<"$codes")
passed=$(grep -vc '^code=429$' <<<"$codes")
least_limited=$((120 - allowed > 1 ? 120 - allowed : 1))  # however slow the burst, some of it is refused
check "a burst over 100 requests/minute gets 429 ($limited of 120, $allowed allowed)" test "$limited" -ge "$least_limited"
check "at most 100 requests in a minute pass, and one per 600 ms ($passed of 120, $allowed allowed)" \
  test "$passed" -le "$allowed"
# The 429s of the burst itself: a request sent after it could find a token refilled (one per 600 ms) on a slow run.
check "the 429 says when to retry" bash -c 'grep -A 12 "^HTTP/1.1 429" "$1" | grep -qi "^Retry-After: "' _ "$work/burst.headers"
check "/health is not rate limited" test "$(status "$gw/health")" = 200

echo "$passes passed, $failures failed"
[ $failures -eq 0 ]
