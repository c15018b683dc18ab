#!/usr/bin/env bash
# HTTPS: TLS_CERT_FILE/TLS_KEY_FILE with a self-signed certificate made here by the openssl CLI.
# authd then speaks only TLS (1.2 or later) on its port and sends Strict-Transport-Security;
# a half-set or unreadable pair, or a file that is no certificate, stops the start with exit 2.
#   tls_test.sh AUTHD_EXECUTABLE
set -uo pipefail
authd=$(realpath "$1")
work=$(mktemp -d)
server=""
trap '[ -n "$server" ] && kill $server 2>/dev/null; rm -rf "$work"' EXIT
failures=0 passes=0
check() {  # check "what" command...
  local what=$1; shift
  if "$@"; then passes=$((passes + 1)); else echo "FAILED: $what"; failures=$((failures + 1)); fi
}
cd "$work"
export -n JWT_SECRET_KEY DB_ENCRYPTION_KEY DATABASE_URL PORT HSTS TLS_CERT_FILE TLS_KEY_FILE 2>/dev/null
export APP_ENV=development DATABASE_URL="sqlite:///$work/authd.db" ACCESS_LOG=0 OUTBOX_RELAY_INTERVAL_MS=0

openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=localhost -addext subjectAltName=DNS:localhost \
  -days 1 -keyout key.pem -out cert.pem 2>/dev/null
check "openssl made a self-signed certificate" test -s cert.pem -a -s key.pem
openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=localhost -days 1 -keyout other-key.pem -out other.pem 2>/dev/null

# ---- bad settings: exit 2, one line naming the setting -------------------------------------
err=$(TLS_CERT_FILE=cert.pem "$authd" 2>&1); code=$?
check "a certificate without a key exits 2 naming TLS_KEY_FILE" bash -c "[ $code -eq 2 ] && grep -q TLS_KEY_FILE <<<'$err'"
err=$(TLS_KEY_FILE=key.pem "$authd" 2>&1); code=$?
check "a key without a certificate exits 2 naming TLS_CERT_FILE" bash -c "[ $code -eq 2 ] && grep -q TLS_CERT_FILE <<<'$err'"
err=$(TLS_CERT_FILE=missing.pem TLS_KEY_FILE=key.pem "$authd" 2>&1); code=$?
check "an unreadable certificate exits 2 naming TLS_CERT_FILE" \
  bash -c "[ $code -eq 2 ] && [ \$(wc -l <<<'$err') -eq 1 ] && grep -q TLS_CERT_FILE <<<'$err'"
err=$(TLS_CERT_FILE=cert.pem TLS_KEY_FILE=missing.pem "$authd" 2>&1); code=$?
check "an unreadable key exits 2 naming TLS_KEY_FILE" bash -c "[ $code -eq 2 ] && grep -q TLS_KEY_FILE <<<'$err'"
echo "not a certificate" >junk.pem
err=$(PORT=0 TLS_CERT_FILE=junk.pem TLS_KEY_FILE=key.pem "$authd" serve 2>&1 </dev/null); code=$?
check "a file that is no certificate exits 2 naming TLS_CERT_FILE" bash -c "[ $code -eq 2 ] && grep -q TLS_CERT_FILE <<<'$err'"
err=$(PORT=0 TLS_CERT_FILE=cert.pem TLS_KEY_FILE=other-key.pem "$authd" serve 2>&1 </dev/null); code=$?
check "a key that is not the certificate's exits 2 naming TLS_KEY_FILE" bash -c "[ $code -eq 2 ] && grep -q TLS_KEY_FILE <<<'$err'"

# ---- HTTPS on a free port, read from stderr -------------------------------------------------
mkfifo "$work/stderr"
PORT=0 HOST=127.0.0.1 TLS_CERT_FILE="$work/cert.pem" TLS_KEY_FILE="$work/key.pem" \
  "$authd" serve 2>"$work/stderr" >/dev/null &
server=$!
exec 3<"$work/stderr"
port=""
while read -r -t 60 line <&3; do
  [[ $line =~ listening\ on\ .*:([0-9]+) ]] && { port=${BASH_REMATCH[1]}; break; }
done
cat <&3 >"$work/authd.log" &   # keep draining authd's stderr
drain=$!
exec 3<&-
check "serve announces its port" test -n "$port"

url="https://localhost:$port"
pin=(--cacert "$work/cert.pem" --resolve "localhost:$port:127.0.0.1")
headers=$(curl -s -D - -o "$work/body" "${pin[@]}" "$url/health")
check "GET /health over HTTPS is 200" grep -q '^HTTP/1.1 200' <<<"$headers"
check "the health body is authd's" grep -q '"status":"ok"' "$work/body"
check "HTTPS responses carry Strict-Transport-Security" grep -qi '^Strict-Transport-Security: ' <<<"$headers"
code=$(curl -s -o /dev/null -w '%{http_code}' "${pin[@]}" "$url/api/v1/auth/validate")
check "an API route over HTTPS answers (401 without a token)" test "$code" = 401
check "the certificate is checked: without it curl refuses" bash -c "! curl -s -o /dev/null --resolve localhost:$port:127.0.0.1 $url/health"
check "keep-alive over TLS serves two requests on one connection" \
  test "$(curl -s -o /dev/null -o /dev/null -w '%{num_connects}\n' "${pin[@]}" "$url/health" "$url/health/live" | paste -sd' ')" = "1 0"
check "TLS 1.1 is refused" bash -c "! curl -s -o /dev/null --tlsv1.1 --tls-max 1.1 ${pin[*]} $url/health"
check "TLS 1.2 is accepted" test "$(curl -s -o /dev/null -w '%{http_code}' --tlsv1.2 --tls-max 1.2 "${pin[@]}" "$url/health")" = 200
check "plain HTTP to the HTTPS port gets no HTTP answer" \
  bash -c "! curl -s -o /dev/null --max-time 10 http://127.0.0.1:$port/health"
check "after a plain-HTTP client the HTTPS port still serves" \
  test "$(curl -s -o /dev/null -w '%{http_code}' "${pin[@]}" "$url/health")" = 200

kill -TERM $server
wait $server; code=$?
server=""
check "SIGTERM drains and exits 0 with TLS" test $code -eq 0
wait $drain 2>/dev/null

echo "$passes passed, $failures failed"
[ $failures -eq 0 ]
