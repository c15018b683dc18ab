#!/usr/bin/env bash
# The authd executable as an operator meets it: help, version, bad settings
# (exit 2, one line, no secret echoed), migrate, seed (twice), a changed
# migration refused, and a graceful stop on SIGTERM with exit 0.
set -uo pipefail
authd=$(realpath "$1")
work=$(mktemp -d)
trap 'kill $server 2>/dev/null; rm -rf "$work"' EXIT
failures=0 passes=0
check() {  # check "what" command...
  local what=$1; shift
  if "$@"; then passes=$((passes + 1)); else echo "FAILED: $what"; failures=$((failures + 1)); fi
}
cd "$work"
export -n JWT_SECRET_KEY DB_ENCRYPTION_KEY APP_ENV DATABASE_URL PORT 2>/dev/null

out=$("$authd" --help); code=$?
check "--help exits 0" test $code -eq 0
check "--help lists DATABASE_URL" grep -q -- "--database-url" <<<"$out"
check "--version prints the version" grep -qE '^authd [0-9]+\.[0-9]+\.[0-9]+$' <<<"$("$authd" --version)"

err=$("$authd" --port abc 2>&1); code=$?
check "a bad flag exits 2" test $code -eq 2
check "a bad flag is named on one line" test "$(wc -l <<<"$err")" -eq 1
check "a bad flag is named" grep -q -- "--port" <<<"$err"
err=$(PORT=70000 "$authd" 2>&1); code=$?
check "a bad environment value exits 2 naming it" bash -c "[ $code -eq 2 ] && grep -q PORT <<<'$err'"
err=$("$authd" frobnicate 2>&1); code=$?
check "an unknown command exits 2" test $code -eq 2

err=$("$authd" 2>&1); code=$?
check "production without a secret exits 2" test $code -eq 2
check "production names the missing secret" grep -q JWT_SECRET_KEY <<<"$err"
err=$(JWT_SECRET_KEY=short-secret-value DB_ENCRYPTION_KEY=also-short "$authd" 2>&1); code=$?
check "a short secret exits 2" test $code -eq 2
check "a short secret is never echoed" bash -c "! grep -q short-secret-value <<<'$err'"
err=$(APP_ENV=development DB_ENCRYPTION_KEY=abc "$authd" 2>&1); code=$?
check "a short key stops a development start too (exit 2)" test $code -eq 2
check "a short key is named on one line" bash -c "[ \$(wc -l <<<'$err') -eq 1 ] && grep -q DB_ENCRYPTION_KEY <<<'$err'"
err=$(APP_ENV=development DATABASE_URL=postgresql://u:hunter2@127.0.0.1:1/db "$authd" migrate 2>&1); code=$?
check "an unreachable database exits 1" test $code -eq 1
check "the database password is never printed" bash -c "! grep -q hunter2 <<<'$err'"
err=$(DATABASE_URL=oracle://x "$authd" migrate 2>&1); code=$?
check "a DATABASE_URL of no known kind exits 2" test $code -eq 2

# Production sends codes over a network only encrypted: http:// webhooks and SMTP without TLS are for loopback relays.
prod=(JWT_SECRET_KEY="$(openssl rand -hex 32)" DB_ENCRYPTION_KEY="$(openssl rand -hex 32)"
  WEBHOOK_SECRET="$(openssl rand -hex 32)" DATABASE_URL="sqlite:///$work/prod.db")
err=$(env "${prod[@]}" SMS_DELIVERY=webhook SMS_WEBHOOK_URL=http://sms.example.com/send "$authd" migrate 2>&1); code=$?
check "production refuses an http:// webhook to another host (exit 2)" test $code -eq 2
check "the refused webhook setting is named" grep -q SMS_WEBHOOK_URL <<<"$err"
err=$(env "${prod[@]}" EMAIL_DELIVERY=webhook EMAIL_WEBHOOK_URL=http://user@127.0.0.1.example.com:80/x "$authd" migrate 2>&1); code=$?
check "a host that only starts like a loopback address is another host (exit 2)" test $code -eq 2
err=$(env "${prod[@]}" EMAIL_DELIVERY=smtp SMTP_HOST=mail.example.com SMTP_TLS=none FROM_EMAIL=a@example.com "$authd" migrate 2>&1); code=$?
check "production refuses SMTP_TLS=none to another host (exit 2)" test $code -eq 2
check "the refused SMTP setting is named" grep -q SMTP_TLS <<<"$err"
check "production accepts http:// to a loopback webhook and SMTP_TLS=none to a loopback relay" env "${prod[@]}" \
  SMS_DELIVERY=webhook SMS_WEBHOOK_URL=http://127.0.0.1:9/sms EMAIL_DELIVERY=smtp SMTP_HOST=localhost SMTP_TLS=none \
  FROM_EMAIL=a@example.com "$authd" migrate
err=$(env "${prod[@]}" EMAIL_DELIVERY=smtp SMTP_HOST=mail.example.com SMTP_VERIFY_CERTIFICATE=0 FROM_EMAIL=a@example.com "$authd" migrate 2>&1); code=$?
check "production warns once that an unverified SMTP certificate exposes the codes" \
  bash -c "[ $code -eq 0 ] && [ \$(grep -c SMTP_VERIFY_CERTIFICATE <<<'$err') -eq 1 ]"

export DATABASE_URL="sqlite:///$work/data/authd.db" APP_ENV=development
check "migrate creates the database and exits 0" "$authd" migrate
first=$("$authd" seed 2>/dev/null)
check "seed prints the generated admin password once" grep -q "admin@example.com with password" <<<"$first"
second=$("$authd" seed 2>/dev/null); code=$?
check "seed twice is harmless" test $code -eq 0
check "the second seed changes nothing" grep -q "admin@example.com exists" <<<"$second"
check "seed creates an event in each status" grep -q "events: 4 created, 0 already there" <<<"$first"
check "the second seed creates no event" grep -q "events: 0 created, 4 already there" <<<"$second"
for status in UPCOMING ON_SALE SOLD_OUT CANCELLED; do
  check "a seeded event is $status" test "$(sqlite3 "$work/data/authd.db" "SELECT COUNT(*) FROM events WHERE status = '$status'")" -ge 1
done
check "the second seed prints no password" bash -c "! grep -q 'with password' <<<'$second'"
out=$("$authd" cleanup 2>/dev/null); code=$?
check "cleanup exits 0" test $code -eq 0
check "cleanup counts each kind of ended rows" bash -c "grep -q '^otp_codes: 0 deleted$' <<<'$out' && grep -q '^finished_messages: 0 deleted$' <<<'$out' && [ \$(grep -c ' deleted$' <<<'$out') -eq 10 ]"
check "a second cleanup right after the first runs too (the lease was given back)" bash -c "'$authd' cleanup 2>/dev/null | grep -q '^published_outbox: 0 deleted$'"
check "cleanup is in --help" grep -q "cleanup" <<<"$("$authd" --help)"
# The operator's commands: a first admin without the seed, a password from standard input, clear refusals.
out=$(printf 'operator-password-1\n' | "$authd" admin create-user --email Ops@Example.com --role admin 2>/dev/null); code=$?
check "admin create-user exits 0" test $code -eq 0
check "create-user says what it created" grep -q "created ops@example.com (admin)" <<<"$out"
check "a password given on standard input is never printed" bash -c "! grep -q operator-password-1 <<<'$out'"
gen=$("$authd" admin create-user --email gen@example.com --role staff </dev/null 2>/dev/null)
check "an empty standard input makes create-user generate a password and print it once" grep -q "created gen@example.com (staff) with password " <<<"$gen"
"$authd" admin create-user --email ops@example.com </dev/null >/dev/null 2>&1; code=$?
check "create-user of a taken address exits 1" test $code -eq 1
err=$("$authd" admin unlock --email nobody@example.com 2>&1 >/dev/null); code=$?
check "an address with no account exits 1 and says so" bash -c "[ $code -eq 1 ] && grep -q 'No account' <<<'$err'"
"$authd" admin frobnicate --email ops@example.com >/dev/null 2>&1; code=$?
check "an unknown admin action exits 2" test $code -eq 2
"$authd" admin unlock >/dev/null 2>&1; code=$?
check "admin without --email exits 2" test $code -eq 2
check "admin set-password reads standard input" bash -c "printf 'operator-password-2\n' | '$authd' admin set-password --email ops@example.com 2>/dev/null | grep -q 'password set for ops@example.com'"
printf 'short\n' | "$authd" admin set-password --email ops@example.com >/dev/null 2>&1; code=$?
check "a password the rules refuse exits 1" test $code -eq 1
check "admin revoke-sessions" bash -c "'$authd' admin revoke-sessions --email ops@example.com 2>/dev/null | grep -q 'every session ended for'"
check "admin unlock" bash -c "'$authd' admin unlock --email ops@example.com 2>/dev/null | grep -q 'unlocked ops@example.com'"
check "admin is in --help" grep -q "admin set-password" <<<"$("$authd" --help)"
given=$(DATABASE_URL="sqlite:///$work/other.db" SEED_ADMIN_PASSWORD=given-admin-password "$authd" seed 2>/dev/null)
check "a given admin password is not printed" bash -c "! grep -q given-admin-password <<<'$given'"

# Graceful stop: start on a free port, wait for "listening" on stderr, ask for health, send SIGTERM.
mkfifo "$work/stderr"
PORT=0 ACCESS_LOG=0 "$authd" serve 2>"$work/stderr" >/dev/null &
server=$!
exec 3<"$work/stderr"
port=""
listening=""
while read -r -t 30 line <&3; do
  [[ $line =~ listening\ on\ .*:([0-9]+) ]] && { port=${BASH_REMATCH[1]}; listening=$line; break; }
done
check "serve announces its port" test -n "$port"
# APP_ENV=development is exported above: its codes are readable at /api/v1/dev/messages, so loopback only.
check "development listens on loopback unless HOST says otherwise" grep -q "listening on 127.0.0.1:" <<<"$listening"
check "the served health is ok" bash -c "curl -sf http://127.0.0.1:$port/health/live | grep -q ok"
check "the admin made on the command line signs in with the password set there" bash -c "curl -s -X POST -H 'Content-Type: application/json' -d '{\"email\":\"ops@example.com\",\"password\":\"operator-password-2\"}' http://127.0.0.1:$port/api/auth/login | grep -q accessToken"
kill -TERM $server
wait $server; code=$?
check "SIGTERM drains and exits 0" test $code -eq 0
exec 3<&-

# An applied migration that changed afterwards stops the start.
sqlite3 "$work/data/authd.db" "UPDATE schema_migrations SET checksum = 'edited' WHERE version = '0001_users_and_sessions'"
err=$("$authd" migrate 2>&1); code=$?
check "a changed applied migration is refused" bash -c "[ $code -eq 1 ] && grep -q 'was changed after it was applied' <<<'$err'"

echo "$passes passed, $failures failed"
[ $failures -eq 0 ]
