#!/usr/bin/env bash
# The authd executable as an operator meets it: help, version, bad settings
# (exit 2, one line, no secret echoed), migrate, seed (twice), a changed
# migration refused, a graceful stop on SIGTERM with exit 0, and no server
# database or libcurl library loaded by a SQLite instance that has no use for them.
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
err=$(HASHING_NICE=20 "$authd" 2>&1); code=$?
check "a niceness past 19 exits 2 naming HASHING_NICE" bash -c "[ $code -eq 2 ] && grep -q HASHING_NICE <<<'$err'"
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

for bad in "gateway" "gateway:short-introspection-secret" "bad id:$(openssl rand -hex 32)" \
  "gw:$(openssl rand -hex 32),gw:$(openssl rand -hex 32)"; do
  err=$(APP_ENV=development INTROSPECTION_CLIENTS="$bad" "$authd" migrate 2>&1); code=$?
  check "INTROSPECTION_CLIENTS=${bad%%:*}:... is refused (exit 2)" test $code -eq 2
  check "INTROSPECTION_CLIENTS=${bad%%:*}:... is named on one line" test "$(grep -c INTROSPECTION_CLIENTS <<<"$err")" -eq 1
  check "INTROSPECTION_CLIENTS=${bad%%:*}:... does not echo the secret" test "${err/short-introspection-secret/}" = "$err"
done
check "INTROSPECTION_CLIENTS with two clients of 32-byte secrets is accepted" env APP_ENV=development \
  DATABASE_URL="sqlite:///$work/introspect.db" INTROSPECTION_CLIENTS="gateway:$(openssl rand -hex 16),billing:$(openssl rand -hex 20)" \
  "$authd" migrate

mkdir "$work/keyfiles"
openssl genpkey -algorithm ed25519 -out "$work/keyfiles/2026-12-01.pem" 2>/dev/null
err=$(APP_ENV=development JWT_SIGNING_KEYS_DIR="$work/keyfiles" "$authd" migrate 2>&1); code=$?
check "JWT_SIGNING_KEYS_DIR under HS256 is refused (exit 2), naming JWT_ALGORITHM" \
  bash -c "[ $code -eq 2 ] && grep -q JWT_ALGORITHM <<<\"\$1\"" _ "$err"
keyfiles=(APP_ENV=development JWT_ALGORITHM=EdDSA JWT_SIGNING_KEYS_DIR="$work/keyfiles" DATABASE_URL="sqlite:///$work/keyfiles.db")
check "an asymmetric JWT_ALGORITHM needs no JWT_SECRET_KEY in production" env DB_ENCRYPTION_KEY="$(openssl rand -hex 32)" \
  JWT_ALGORITHM=EdDSA DATABASE_URL="sqlite:///$work/eddsa-production.db" "$authd" keys list
err=$(env "${keyfiles[@]}" "$authd" keys rotate 2>&1); code=$?
check "authd keys rotate with JWT_SIGNING_KEYS_DIR exits 2, saying the files are the keys" \
  bash -c "[ $code -eq 2 ] && grep -q 'files of JWT_SIGNING_KEYS_DIR' <<<\"\$1\"" _ "$err"
err=$(env "${keyfiles[@]}" JWT_SIGNING_KEYS_DIR="$work/nowhere" "$authd" migrate 2>&1); code=$?
check "a JWT_SIGNING_KEYS_DIR that cannot be read stops the start (exit 1), naming it" \
  bash -c "[ $code -eq 1 ] && grep -q 'JWT_SIGNING_KEYS_DIR: cannot read the directory' <<<\"\$1\"" _ "$err"

# Changing DB_ENCRYPTION_KEY: the signing key sealed under the old key opens under the list, a reseal moves it, and
# the new key alone then signs with the same key (none retired, none made).
old_key=$(openssl rand -hex 32) new_key=$(openssl rand -hex 32)
eddsa=(APP_ENV=development JWT_ALGORITHM=EdDSA DATABASE_URL="sqlite:///$work/reseal.db")
first_kid=$(env "${eddsa[@]}" DB_ENCRYPTION_KEY="$old_key" "$authd" keys list 2>/dev/null | awk '/active/ {print $1}')
check "a first signing key is made under the old key" test -n "$first_kid"
out=$(env "${eddsa[@]}" DB_ENCRYPTION_KEYS="$new_key,$old_key" "$authd" keys reseal 2>&1); code=$?
check "authd keys reseal exits 0" test $code -eq 0
check "authd keys reseal moves the sealed signing key" grep -q "resealed 1 values" <<<"$out"
out=$(env "${eddsa[@]}" DB_ENCRYPTION_KEYS="$new_key,$old_key" "$authd" keys reseal 2>&1)
check "a second reseal has nothing left to do" grep -q "resealed 0 values under the first key of DB_ENCRYPTION_KEYS; 1 already were" <<<"$out"
listed=$(env "${eddsa[@]}" DB_ENCRYPTION_KEY="$new_key" "$authd" keys list 2>/dev/null)
check "the new key alone opens the resealed key: it is still the one active key" \
  test "$(awk '/active/ {print $1}' <<<"$listed")" = "$first_kid" -a "$(wc -l <<<"$listed")" -eq 1
err=$(env "${eddsa[@]}" DB_ENCRYPTION_KEYS="$new_key,short" "$authd" keys list 2>&1); code=$?
check "DB_ENCRYPTION_KEYS with a short key is refused (exit 2), naming which" \
  bash -c "[ $code -eq 2 ] && grep -q 'DB_ENCRYPTION_KEYS: key 2 is shorter than 32 bytes' <<<\"\$1\"" _ "$err"
err=$(env "${eddsa[@]}" DB_ENCRYPTION_KEY="$old_key" DB_ENCRYPTION_KEYS="$new_key,$old_key" "$authd" keys list 2>&1); code=$?
check "DB_ENCRYPTION_KEY beside a list it does not head is refused (exit 2)" \
  bash -c "[ $code -eq 2 ] && grep -q 'disagree' <<<\"\$1\"" _ "$err"
check "no key is ever echoed" bash -c "! grep -q -e \"\$1\" -e \"\$2\" <<<\"\$3\"" _ "$old_key" "$new_key" "$err"

err=$(APP_ENV=development TRUSTED_PROXIES="10.0.0.0/8, 10.0.0.300" "$authd" migrate 2>&1); code=$?
check "a malformed TRUSTED_PROXIES entry stops the start (exit 2), naming it" \
  bash -c "[ $code -eq 2 ] && grep -q 'TRUSTED_PROXIES: 10.0.0.300 is not an address' <<<\"\$1\"" _ "$err"

err=$(APP_ENV=development REDIS_URL=rediss://redis.example.com:6380 "$authd" migrate 2>&1); code=$?
check "REDIS_URL=rediss:// is refused (exit 2) with what to do instead" \
  bash -c "[ $code -eq 2 ] && grep -q 'rediss:// (TLS) is not supported' <<<\"\$1\" && grep -q 'TLS tunnel' <<<\"\$1\"" _ "$err"

err=$(APP_ENV=development DATABASE_URL="postgresql://u:hunter2@127.0.0.1:1/db?sslmode=verify-full&ssl_mode=x" "$authd" migrate 2>&1); code=$?
check "an unknown DATABASE_URL parameter stops the start (exit 2), naming it, before any connection" \
  bash -c "[ $code -eq 2 ] && grep -q 'the parameter ssl_mode is not one authd passes' <<<\"\$1\"" _ "$err"
check "the refused DATABASE_URL's password is never printed" bash -c "! grep -q hunter2 <<<\"\$1\"" _ "$err"

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
check "cleanup counts each kind of ended rows" bash -c "grep -q '^otp_codes: 0 deleted$' <<<'$out' && grep -q '^finished_messages: 0 deleted$' <<<'$out' && [ \$(grep -c ' deleted$' <<<'$out') -eq 12 ]"
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

# Graceful stop: start on a free port, wait for "listening" on stderr, ask for health, send SIGTERM. Standard input
# and output are closed: the files and sockets it opens must not take their numbers.
mkfifo "$work/stderr"
PORT=0 ACCESS_LOG=0 HASHING_THREADS=2 HASHING_NICE=5 "$authd" serve 2>"$work/stderr" <&- >&- &
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
# SQLite alone would fill the numbers it meets with a read-only /dev/null; authd's own log needs standard output to
# take writes (the access mode is the last octal digit of fdinfo's flags: 1 or 2).
out_mode=$(awk '$1 == "flags:" {print substr($2, length($2))}' /proc/$server/fdinfo/1)
check "started with standard input and output closed, both are /dev/null, the output writable (found: $(readlink /proc/$server/fd/0), $(readlink /proc/$server/fd/1), mode $out_mode)" \
  test "$(readlink /proc/$server/fd/0) $(readlink /proc/$server/fd/1) $out_mode" = "/dev/null /dev/null 2"
# On SQLite with codes printed to the console, the server databases' and libcurl's libraries stay out of the process.
loaded=$(grep -oE 'lib(soci_postgresql|pq|soci_mysql|mariadb|curl)[^/]*\.so[.0-9]*' /proc/$server/maps | sort -u | tr '\n' ' ')
check "SQLite without SMTP or webhooks maps no libpq, libmariadb or libcurl (found: $loaded)" test -z "$loaded"
# HASHING_NICE reaches the two hashing threads, and only them (nice is field 19 of a task's stat).
own_nice=$(awk '{print $19}' /proc/$server/stat)
niced=$(cat /proc/$server/task/*/stat | awk -v want=$((own_nice + 5 > 19 ? 19 : own_nice + 5)) '$19 == want' | wc -l)
check "HASHING_NICE=5 makes the two hashing threads 5 nicer (found $niced)" test "$niced" -eq 2
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
