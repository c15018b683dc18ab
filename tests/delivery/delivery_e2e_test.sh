#!/usr/bin/env bash
# Delivery end to end: the real authd (production mode, no development feature) hands its codes and links to a real
# SMTP server (scripts/smtp-server, aiosmtpd on loopback) or to a webhook receiver that checks the signature
# (webhook_receiver.py), and the test reads them there as a person or a provider would, then uses them.
#   delivery_e2e_test.sh AUTHD_EXECUTABLE SCENARIO
# Scenarios (one ctest each, see e2e.cmake):
#   smtp_starttls           STARTTLS with a certificate made here: an agent's e-mailed OTP signs in, a client's
#                           verification mail and its link, a client's e-mailed sign-in code, a password reset, an
#                           e-mail change (the link to the new address, the notice to the old one); /health's backlog
#   smtp_wrong_certificate  a server certificate SMTP_CA_FILE does not trust: retried, never sent, nothing secret
#                           in the log; delivered once the server shows a trusted certificate. And a server that
#                           offers no STARTTLS: nothing sent in clear
#   smtp_outage             the SMTP server down while 7 messages are queued: all answered, all delivered once
#                           it is back, each exactly once, in request order per recipient
#   webhook                 SMS through a signed webhook; a receiver answering 500 once gets the message once
#   postgresql_two_instances, mariadb_two_instances
#                           two authd on one database (AUTHD_TEST_PG_URL / AUTHD_TEST_MYSQL_URL, which
#                           scripts/test sets; unset is a failure): 10 codes, each delivered exactly once
set -uo pipefail
authd=$(realpath "$1")
scenario=${2:-}
here=$(cd "$(dirname "$0")" && pwd)
smtp_server=$(realpath "$here/../../scripts/smtp-server")
work=$(mktemp -d)
chmod 755 "$work"
pids=()         # every process this test started (authd, the webhook receivers)
smtp_dirs=()    # every scripts/smtp-server folder
drop_database=""  # a command that drops the scratch database
cleanup() {
  local p d
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
  for d in "${smtp_dirs[@]}"; do "$smtp_server" stop "$d" >/dev/null 2>&1; done
  [ -n "$drop_database" ] && eval "$drop_database" >/dev/null 2>&1
  rm -rf "$work"
}
trap cleanup EXIT
failures=0 passes=0
check() {  # check "what" command...
  local what=$1; shift
  if "$@"; then passes=$((passes + 1)); else echo "FAILED: $what"; failures=$((failures + 1)); fi
}
fatal() {
  local f
  echo "FATAL: $*"
  for f in "$work"/*.log "$work"/*/requests.log "$work"/*/server.log; do
    [ -f "$f" ] && { echo "--- ${f#"$work"/} (last lines)"; tail -n 15 "$f"; }
  done
  echo "$passes passed, $((failures + 1)) failed"
  exit 1
}

for tool in curl openssl python3 sqlite3; do
  command -v "$tool" >/dev/null || fatal "$tool is not installed (scripts/setup installs it)"
done

# ---- authd's settings: only what this test sets -------------------------------------------------------------------
# Whatever the caller's environment holds for authd (every option --help lists, and its _FILE form) is dropped.
for option in $("$authd" --help | grep -oE '^  --[a-z0-9-]+' | sed 's/^  --//'); do
  name=$(tr 'a-z-' 'A-Z_' <<<"$option")
  unset "$name" "${name}_FILE"
done
JWT_SECRET_KEY=$(openssl rand -hex 32) || fatal "openssl rand failed"
DB_ENCRYPTION_KEY=$(openssl rand -hex 32) || fatal "openssl rand failed"
export APP_ENV=production HOST=127.0.0.1 PORT=0 ACCESS_LOG=0 RATE_LIMIT_PER_MINUTE=0 AUTH_RATE_LIMIT_PER_MINUTE=0 \
       OUTBOX_RELAY_INTERVAL_MS=0 DELIVERY_INTERVAL_MS=100 JWT_SECRET_KEY DB_ENCRYPTION_KEY \
       DATABASE_URL="sqlite:///$work/authd.db"
from_email="authd <no-reply@example.com>"

# ---- helpers ------------------------------------------------------------------------------------------------------
poll() {  # poll TENTHS command...: true as soon as the command is, trying every 0.1 s at most TENTHS times
  local n=$1 i; shift
  for ((i = 0; i < n; i++)); do "$@" && return 0; sleep 0.1; done
  return 1
}

# start_authd NAME [VAR=value ...]: authd serve in the background, stdout and stderr in $work/NAME.log; sets
# authd_pid and authd_url once it listens.
start_authd() {
  local name=$1 log="$work/$1.log" pid i line
  shift
  env "$@" "$authd" serve </dev/null >"$log" 2>&1 &
  pid=$!
  pids+=("$pid")
  authd_pid=$pid authd_url=""
  for i in $(seq 1 600); do
    line=$(grep -m1 -E 'listening on [0-9.]+:[0-9]+' "$log")
    [[ $line =~ listening\ on\ ([0-9.]+):([0-9]+) ]] &&
      { authd_url="http://${BASH_REMATCH[1]}:${BASH_REMATCH[2]}"; return 0; }
    kill -0 "$pid" 2>/dev/null || fatal "authd ($name) exited at start: $(tail -n 5 "$log")"
    sleep 0.1
  done
  fatal "authd ($name) did not announce its port within 60 s"
}
stop_authd() {  # stop_authd PID: SIGTERM, then its exit code in stopped_code
  kill -TERM "$1"
  wait "$1"
  stopped_code=$?
}

# api METHOD URL [JSON]: sets status and body.
api() {
  local args=(-s -o "$work/response" -w '%{http_code}' --max-time 30 -X "$1")
  [ $# -ge 3 ] && args+=(-H 'Content-Type: application/json' --data-binary "$3")
  status=$(curl "${args[@]}" "$2")
  body=$(cat "$work/response" 2>/dev/null)
}
# api_as ACCESS_TOKEN METHOD URL [JSON]: api with the access token as a Bearer; sets status and body.
api_as() {
  local token=$1; shift
  local args=(-s -o "$work/response" -w '%{http_code}' --max-time 30 -X "$1" -H "Authorization: Bearer $token")
  [ $# -ge 3 ] && args+=(-H 'Content-Type: application/json' --data-binary "$3")
  status=$(curl "${args[@]}" "$2")
  body=$(cat "$work/response" 2>/dev/null)
}
json() {  # json PATH [TEXT]: a value of $body (or TEXT) by dotted path; nothing when absent
  python3 -c '
import json, sys
v = json.loads(sys.argv[2])
for k in sys.argv[1].split("."):
    if isinstance(v, dict) and k in v: v = v[k]
    else: sys.exit(1)
print(json.dumps(v) if isinstance(v, (dict, list, bool)) or v is None else v)' "$1" "${2-$body}" 2>/dev/null
}
quote() { python3 -c 'import json, sys; print(json.dumps(sys.argv[1]))' "$1"; }

register_agent() {  # register_agent URL NATIONAL_DIGITS EMAIL: registers an agent (+212), or fails the test
  api POST "$1/api/v1/auth/register" \
    "{\"phone_number\":\"$2\",\"country_code\":\"+212\",\"first_name\":\"Agent\",\"last_name\":\"Number $2\",\"email\":\"$3\"}"
  [ "$status" = 201 ] || fatal "agent registration answered $status: $body"
}
request_otp() {  # request_otp URL E164 METHOD: sets status and body
  api POST "$1/api/v1/auth/request-otp" "{\"phone_number\":\"$2\",\"delivery_method\":\"$3\"}"
}
register_client() {  # register_client URL EMAIL: a client with password "correct horse battery"; sets client_id
  api POST "$1/api/v1/clients" \
    "{\"email\":\"$2\",\"password\":\"correct horse battery\",\"first_name\":\"Client\",\"last_name\":\"Person\"}"
  client_id=$(json id)
}

health_field() {  # health_field URL PATH: a value of GET /health by dotted path
  local doc
  doc=$(curl -s --max-time 10 "$1/health")
  json "$2" "$doc"
}
backlog_is() { [ "$(health_field "$1" "delivery.$2.backlog")" = "$3" ]; }   # backlog_is URL CHANNEL N
backlog_at_least() {  # backlog_at_least URL CHANNEL N
  local n
  n=$(health_field "$1" "delivery.$2.backlog")
  [ -n "$n" ] && [ "$n" -ge "$3" ]
}
messages_total() {  # messages_total URL CHANNEL OUTCOME: authd_messages_total of /metrics
  curl -s --max-time 10 "$1/metrics" |
    sed -n "s/^authd_messages_total{channel=\"$2\",outcome=\"$3\"} \([0-9]*\)$/\1/p"
}

make_cert() {  # make_cert NAME: NAME.pem and NAME-key.pem, self-signed, for localhost and 127.0.0.1
  openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=localhost \
    -addext subjectAltName=DNS:localhost,IP:127.0.0.1 -days 1 \
    -keyout "$work/$1-key.pem" -out "$work/$1.pem" 2>/dev/null || fatal "openssl could not make a certificate"
}
start_smtp() {  # start_smtp DIR [smtp-server options]: sets smtp_port
  local dir=$1; shift
  smtp_dirs+=("$dir")
  smtp_port=$("$smtp_server" start "$dir" --owner $$ "$@") || fatal "scripts/smtp-server did not start"
}
mails() { local f n=0; for f in "$1"/mail/*.eml; do [ -e "$f" ] && n=$((n + 1)); done; echo "$n"; }
mails_at_least() { [ "$(mails "$1")" -ge "$2" ]; }
nth_mail() { echo "$1/mail/$(printf '%06d' "$2").eml"; }   # nth_mail DIR N: the Nth message that arrived
read_mail() { python3 "$here/read_mail.py" "$@"; }
log_has() { grep -q -- "$2" "$work/$1.log"; }        # log_has NAME TEXT
log_count() { grep -c -- "$2" "$work/$1.log"; }      # log_count NAME TEXT

uuid_re='^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
otp_text_re='Your authd code is [0-9]{6}\. It expires in 5 minutes\.'

# ==== a. STARTTLS, a certificate made here ==========================================================================
scenario_smtp_starttls() {
  make_cert smtp
  start_smtp "$work/smtp" --starttls "$work/smtp.pem" "$work/smtp-key.pem"
  # APP_URL is the public address a person opens (with a trailing slash authd drops); the test follows the link's
  # path and query on its own authd.
  start_authd authd EMAIL_DELIVERY=smtp SMTP_HOST=127.0.0.1 SMTP_PORT="$smtp_port" SMTP_TLS=starttls \
    SMTP_CA_FILE="$work/smtp.pem" FROM_EMAIL="$from_email" APP_URL=https://auth.example.com/
  local url=$authd_url smtp=$work/smtp

  check "production with SMS_DELIVERY=console prints one warning line, naming SMS_DELIVERY" \
    test "$(grep -c 'warning' "$work/authd.log")" = 1 -a "$(grep -c 'warning.*SMS_DELIVERY' "$work/authd.log")" = 1
  check "/health names the e-mail channel smtp" test "$(health_field "$url" delivery.email.channel)" = smtp
  check "/health names the SMS channel console" test "$(health_field "$url" delivery.sms.channel)" = console

  # ---- an agent's e-mailed OTP
  register_agent "$url" 612345601 Agent.One@Example.com
  request_otp "$url" +212612345601 email
  check "request-otp by e-mail answers 202 (got $status)" test "$status" = 202
  check "production gives no debug_code" bash -c "! grep -q debug_code <<<'$body'"
  poll 300 mails_at_least "$smtp" 1 || fatal "the OTP e-mail did not reach the SMTP server within 30 s"
  local m1
  m1=$(nth_mail "$smtp" 1)
  check "the OTP mail's envelope recipient is the agent's address (lower-case)" \
    test "$(read_mail "$m1" rcpt)" = "<agent.one@example.com>"
  check "the OTP mail came under STARTTLS" test "$(read_mail "$m1" tls)" = yes
  check "the OTP mail's To is the agent" grep -q 'agent.one@example.com' <<<"$(read_mail "$m1" to)"
  check "the OTP mail's From is FROM_EMAIL" test "$(read_mail "$m1" from)" = "$from_email"
  check "the OTP mail's subject" test "$(read_mail "$m1" subject)" = "Your authd code"
  check "the OTP mail's Message-ID is <uuid@authd>" \
    grep -qE '^<[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}@authd>$' <<<"$(read_mail "$m1" message-id)"
  check "the OTP mail parses without defects" test -z "$(read_mail "$m1" defects)"
  check "the OTP mail's text says 'code is' and a 6-digit code" grep -qE "$otp_text_re" <<<"$(read_mail "$m1" text)"
  local code
  code=$(read_mail "$m1" code)
  check "the OTP mail's HTML part holds the same code" grep -q "code is $code\." <<<"$(read_mail "$m1" html)"
  api POST "$url/api/v1/auth/verify-otp" "{\"phone_number\":\"+212612345601\",\"code\":\"$code\"}"
  check "the code from the mail signs the agent in (verify-otp 200, got $status)" test "$status" = 200
  check "verify-otp gives an access token" test -n "$(json access_token)"

  # ---- a client's verification mail and its link
  register_client "$url" client.one@example.com
  check "client registration answers 201 (got $status)" test "$status" = 201
  poll 300 mails_at_least "$smtp" 2 || fatal "the verification e-mail did not arrive within 30 s"
  local m2 token link
  m2=$(nth_mail "$smtp" 2)
  check "the verification mail goes to the client" test "$(read_mail "$m2" rcpt)" = "<client.one@example.com>"
  check "the verification mail came under STARTTLS" test "$(read_mail "$m2" tls)" = yes
  check "the verification mail parses without defects" test -z "$(read_mail "$m2" defects)"
  token=$(read_mail "$m2" token)
  check "the verification mail holds a 43-character token" grep -qE '^[A-Za-z0-9_-]{43}$' <<<"$token"
  check "the verification mail says the token is valid for 24 hours" \
    grep -q "verification token is $token . It is valid for 24 hours." <<<"$(read_mail "$m2" text)"
  link=$(read_mail "$m2" link)
  check "the verification link is APP_URL/verify-email?id=<id>&token=<token> (got '$link')" \
    test "$link" = "https://auth.example.com/verify-email?id=$client_id&token=$token"
  check "the HTML part holds the link too" grep -qF "verify-email?id=$client_id&amp;token=$token" <<<"$(read_mail "$m2" html)"
  # Following the link: a GET (a mail scanner prefetching links does the same) must not verify by itself.
  local page_status
  page_status=$(curl -s -o "$work/page" -w '%{http_code}' --max-time 30 "$url${link#https://auth.example.com}")
  check "GET on the link answers a page (200, got $page_status)" test "$page_status" = 200
  check "the page is a form that posts, not a verification" grep -qi '<form[^>]*method="\?post' "$work/page"
  # The person's click on the page's button: the form's POST verifies the address.
  local form_status
  form_status=$(curl -s -o "$work/done" -w '%{http_code}' --max-time 30 --data-urlencode "id=$client_id" \
    --data-urlencode "token=$token" "$url/verify-email")
  check "the form's POST verifies the address (200, got $form_status)" test "$form_status" = 200
  check "the answer says so" grep -q "verified" "$work/done"
  api POST "$url/api/v1/clients/$client_id/verify_email" "{\"token\":$(quote "$token")}"
  check "the token is used up once the form verified (400, got $status)" test "$status" = 400

  # ---- the client's e-mailed sign-in code
  api POST "$url/api/v1/auth/login" '{"email":"client.one@example.com","password":"correct horse battery"}'
  check "a client's login asks for the e-mailed code (200, got $status)" test "$status" = 200
  check "the second factor is e-mail" test "$(json delivery_method)" = email
  local mfa_token
  mfa_token=$(json mfa_token)
  poll 300 mails_at_least "$smtp" 3 || fatal "the sign-in code e-mail did not arrive within 30 s"
  local m3
  m3=$(nth_mail "$smtp" 3)
  check "the sign-in mail goes to the client" test "$(read_mail "$m3" rcpt)" = "<client.one@example.com>"
  check "the sign-in mail's subject" test "$(read_mail "$m3" subject)" = "Your authd sign-in code"
  check "the sign-in mail's text" \
    grep -qE 'Your authd sign-in code is [0-9]{6}\. It expires in [0-9]+ minutes\.' <<<"$(read_mail "$m3" text)"
  api POST "$url/api/v1/auth/verify_mfa" "{\"mfa_token\":$(quote "$mfa_token"),\"code\":\"$(read_mail "$m3" code)\"}"
  check "the code from the sign-in mail completes the login (200, got $status)" test "$status" = 200

  # ---- a forgotten password: the reset mail, its link's page, the form, and the notice
  api POST "$url/api/auth/password/forgot" '{"email":"nobody@example.com"}'
  local unknown_status=$status unknown_body=$body
  api POST "$url/api/auth/password/forgot" '{"email":"Client.One@example.com"}'
  check "forgot answers 202 (got $status)" test "$status" = 202
  check "forgot answers an unknown address the same way" test "$unknown_status $unknown_body" = "$status $body"
  poll 300 mails_at_least "$smtp" 4 || fatal "the password reset e-mail did not arrive within 30 s"
  local m4 reset_token reset_link
  m4=$(nth_mail "$smtp" 4)
  check "the reset mail goes to the account, and only to it" test "$(read_mail "$m4" rcpt)" = "<client.one@example.com>"
  check "the reset mail's subject" test "$(read_mail "$m4" subject)" = "Reset your authd password"
  check "the reset mail parses without defects" test -z "$(read_mail "$m4" defects)"
  reset_token=$(read_mail "$m4" reset-token)
  check "the reset mail holds a 43-character token valid 30 minutes" \
    grep -q "password reset token is $reset_token . It is valid for 30 minutes" <<<"$(read_mail "$m4" text)"
  reset_link=$(read_mail "$m4" reset-link)
  check "the reset link is APP_URL/reset-password?token=<token> (got '$reset_link')" \
    test "$reset_link" = "https://auth.example.com/reset-password?token=$reset_token"
  page_status=$(curl -s -o "$work/reset-page" -w '%{http_code}' --max-time 30 "$url${reset_link#https://auth.example.com}")
  check "GET on the reset link answers a form (200, got $page_status)" test "$page_status" = 200
  check "the reset page's form posts" grep -qi '<form[^>]*method="\?post' "$work/reset-page"
  api POST "$url/api/v1/auth/login" '{"email":"client.one@example.com","password":"correct horse battery"}'
  check "following the link changed nothing: the old password still signs in (200, got $status)" test "$status" = 200
  form_status=$(curl -s -o "$work/reset-done" -w '%{http_code}' --max-time 30 --data-urlencode "token=$reset_token" \
    --data-urlencode "password=new horse battery staple" "$url/reset-password")
  check "the reset form's POST sets the password (200, got $form_status)" test "$form_status" = 200
  check "the reset page says so" grep -q "Your password is changed" "$work/reset-done"
  form_status=$(curl -s -o /dev/null -w '%{http_code}' --max-time 30 --data-urlencode "token=$reset_token" \
    --data-urlencode "password=third horse battery staple" "$url/reset-password")
  check "the reset token works once (400, got $form_status)" test "$form_status" = 400
  poll 300 mails_at_least "$smtp" 6 || fatal "the sign-in code and the password notice did not arrive within 30 s"
  check "a notice that the password changed reached the account" \
    grep -q "Your authd password was changed" <<<"$(read_mail "$smtp/mail" subject)"
  api POST "$url/api/v1/auth/login" '{"email":"client.one@example.com","password":"correct horse battery"}'
  check "the old password no longer signs in (401, got $status)" test "$status" = 401
  api POST "$url/api/v1/auth/login" '{"email":"client.one@example.com","password":"new horse battery staple"}'
  check "the new password signs in (200, got $status)" test "$status" = 200
  mfa_token=$(json mfa_token)
  poll 300 mails_at_least "$smtp" 7 || fatal "the last sign-in code did not arrive within 30 s"

  # ---- an e-mail change: the link to the new address, the notice to the old one, the link's page and its form
  local m7 access
  m7=$(nth_mail "$smtp" 7)
  check "the seventh mail is the sign-in code, to the client" test "$(read_mail "$m7" rcpt)" = "<client.one@example.com>"
  api POST "$url/api/v1/auth/verify_mfa" "{\"mfa_token\":$(quote "$mfa_token"),\"code\":\"$(read_mail "$m7" code)\"}"
  check "the code from the seventh mail completes the login (200, got $status)" test "$status" = 200
  access=$(json access_token)
  [ -n "$access" ] || fatal "verify_mfa gave no access token: $body"
  api_as "$access" POST "$url/api/auth/email/change" \
    '{"newEmail":"Client.New@Example.com","password":"new horse battery staple"}'
  check "the e-mail change answers 202 (got $status)" test "$status" = 202
  poll 300 mails_at_least "$smtp" 9 || fatal "the e-mail change mails did not arrive within 30 s"
  local n candidate change_mail="" notice_mail="" change_token change_link
  for n in 8 9; do
    candidate=$(nth_mail "$smtp" "$n")
    case "$(read_mail "$candidate" rcpt)" in
      "<client.new@example.com>") change_mail=$candidate ;;
      "<client.one@example.com>") notice_mail=$candidate ;;
    esac
  done
  [ -n "$change_mail" ] || fatal "no mail went to the new address (client.new@example.com)"
  [ -n "$notice_mail" ] || fatal "no notice went to the old address (client.one@example.com)"
  check "the change mail came under STARTTLS" test "$(read_mail "$change_mail" tls)" = yes
  check "the change mail's subject" test "$(read_mail "$change_mail" subject)" = "Confirm your new authd e-mail address"
  check "the change mail parses without defects" test -z "$(read_mail "$change_mail" defects)"
  change_token=$(read_mail "$change_mail" text | tr -d '\r' | sed -n 's/.*e-mail change token is \([^ ]*\) \..*/\1/p')
  [ -n "$change_token" ] || fatal "the change mail holds no token: $(read_mail "$change_mail" text)"
  check "the change mail holds a 43-character token" grep -qE '^[A-Za-z0-9_-]{43}$' <<<"$change_token"
  check "the change mail says the token is valid for 24 hours" \
    grep -qF "e-mail change token is $change_token . It is valid for 24 hours" <<<"$(read_mail "$change_mail" text)"
  change_link=$(read_mail "$change_mail" text | tr -d '\r' | sed -n 's/^Open this link to confirm: //p')
  check "the change link is APP_URL/confirm-email-change?token=<token> (got '$change_link')" \
    test "$change_link" = "https://auth.example.com/confirm-email-change?token=$change_token"
  check "the change mail's HTML part holds the link too" \
    grep -qF "confirm-email-change?token=$change_token" <<<"$(read_mail "$change_mail" html)"
  check "the notice's subject" \
    test "$(read_mail "$notice_mail" subject)" = "A change of your authd e-mail address was asked for"
  check "the notice parses without defects" test -z "$(read_mail "$notice_mail" defects)"
  check "the notice holds neither the token nor a link" \
    bash -c "! grep -qF -e '$change_token' -e 'confirm-email-change' <<<\"\$1\"" _ "$(read_mail "$notice_mail" text)"
  # Following the link shows a form and changes nothing.
  page_status=$(curl -s -o "$work/change-page" -w '%{http_code}' --max-time 30 \
    "$url${change_link#https://auth.example.com}")
  check "GET on the change link answers a form (200, got $page_status)" test "$page_status" = 200
  check "the change page's form posts" grep -qi '<form[^>]*method="\?post' "$work/change-page"
  api_as "$access" GET "$url/api/v1/me"
  check "following the link changed nothing: the account keeps its address" \
    test "$(json email)" = "client.one@example.com"
  # The person's click on the page's button.
  form_status=$(curl -s -o "$work/change-done" -w '%{http_code}' --max-time 30 --data-urlencode "token=$change_token" \
    "$url/confirm-email-change")
  check "the change form's POST changes the address (200, got $form_status)" test "$form_status" = 200
  check "the change page says so" grep -q "Your e-mail address is changed" "$work/change-done"
  form_status=$(curl -s -o /dev/null -w '%{http_code}' --max-time 30 --data-urlencode "token=$change_token" \
    "$url/confirm-email-change")
  check "the change token works once (400, got $form_status)" test "$form_status" = 400
  api_as "$access" GET "$url/api/v1/me"
  check "the session goes on, with the new address" test "$(json email)" = "client.new@example.com"
  api POST "$url/api/v1/auth/login" '{"email":"client.one@example.com","password":"new horse battery staple"}'
  check "the old address no longer signs in (401, got $status)" test "$status" = 401
  api POST "$url/api/v1/auth/login" '{"email":"client.new@example.com","password":"new horse battery staple"}'
  check "the new address signs in (200, got $status)" test "$status" = 200
  mfa_token=$(json mfa_token)
  poll 300 mails_at_least "$smtp" 10 || fatal "the sign-in code to the new address did not arrive within 30 s"
  local m10
  m10=$(nth_mail "$smtp" 10)
  check "the sign-in code now goes to the new address" test "$(read_mail "$m10" rcpt)" = "<client.new@example.com>"
  api POST "$url/api/v1/auth/verify_mfa" "{\"mfa_token\":$(quote "$mfa_token"),\"code\":\"$(read_mail "$m10" code)\"}"
  check "its code completes the login (200, got $status)" test "$status" = 200

  check "ten distinct Message-IDs" \
    test "$(for n in $(seq 1 10); do read_mail "$(nth_mail "$smtp" "$n")" message-id; done | sort -u | wc -l)" = 10
  check "/health's e-mail backlog goes back to 0" poll 100 backlog_is "$url" email 0
  check "/health still names smtp" test "$(health_field "$url" delivery.email.channel)" = smtp
  check "/metrics counts 10 e-mails sent" test "$(messages_total "$url" email sent)" = 10
  check "no delivery failed" test "$(log_count authd 'message delivery failed')" = 0
  check "exactly ten mails arrived" test "$(mails "$smtp")" = 10
  stop_authd "$authd_pid"
  check "SIGTERM stops authd with exit 0" test "$stopped_code" = 0
  # After the stop, which writes out every log line still waiting for the log's thread.
  check "the reset token never reaches the log" bash -c "! grep -q -- '$reset_token' '$work/authd.log'"
  check "the change token never reaches the log" bash -c "! grep -q -- '$change_token' '$work/authd.log'"
}

# ==== b. a certificate SMTP_CA_FILE does not trust ==================================================================
scenario_smtp_wrong_certificate() {
  make_cert trusted
  make_cert impostor
  start_smtp "$work/smtp" --starttls "$work/impostor.pem" "$work/impostor-key.pem"
  local port=$smtp_port smtp=$work/smtp
  start_authd authd EMAIL_DELIVERY=smtp SMTP_HOST=127.0.0.1 SMTP_PORT="$port" SMTP_TLS=starttls \
    SMTP_CA_FILE="$work/trusted.pem" FROM_EMAIL="$from_email" DELIVERY_MAX_ATTEMPTS=20
  local url=$authd_url

  register_agent "$url" 612345602 agent.two@example.com
  request_otp "$url" +212612345602 email
  check "request-otp answers 202 whatever the SMTP server (got $status)" test "$status" = 202
  failed_and_pending() { log_has authd '"message delivery failed"' && backlog_at_least "$url" email 1; }
  check "the delivery fails and the message stays queued (backlog >= 1)" poll 300 failed_and_pending
  local line
  line=$(grep -m1 '"message delivery failed"' "$work/authd.log")
  echo "log: $line"
  check "the failure is a warning on the email channel, for an otp_code, attempt 1" \
    bash -c "grep -q '\"level\":\"warn\"' <<<'$line' && grep -q '\"channel\":\"email\"' <<<'$line' &&
             grep -q '\"kind\":\"otp_code\"' <<<'$line' && grep -q '\"attempts\":\"1\"' <<<'$line'"
  check "the failure is not final (no 'message dead')" bash -c "! grep -q 'message dead' '$work/authd.log'"
  check "nothing reached the SMTP server: no mail" test "$(mails "$smtp")" = 0

  # The server now shows the trusted certificate on the same port: the queued message goes out at its next attempt
  # (5 to 10 s after the first), under the same id.
  "$smtp_server" stop "$smtp"
  start_smtp "$smtp" --port "$port" --starttls "$work/trusted.pem" "$work/trusted-key.pem"
  poll 450 mails_at_least "$smtp" 1 || fatal "the retried message did not arrive within 45 s of a trusted certificate"
  local m1 code id
  m1=$(nth_mail "$smtp" 1)
  code=$(read_mail "$m1" code)
  id=$(read_mail "$m1" message-id | sed 's/^<\(.*\)@authd>$/\1/')
  check "the retried mail came under STARTTLS" test "$(read_mail "$m1" tls)" = yes
  check "the retried mail holds a 6-digit code" grep -qE '^[0-9]{6}$' <<<"$code"
  check "the log names the failed message by the id the mail carries" grep -q "\"message_id\":\"$id\"" <<<"$line"
  check "no delivery log line holds the code" bash -c "! grep 'message delivery failed' '$work/authd.log' | grep -q '$code'"
  check "no delivery log line holds the recipient's address" \
    bash -c "! grep 'message delivery failed' '$work/authd.log' | grep -qi 'agent.two@example.com'"
  check "the whole log never holds the code" bash -c "! grep -q '$code' '$work/authd.log'"
  api POST "$url/api/v1/auth/verify-otp" "{\"phone_number\":\"+212612345602\",\"code\":\"$code\"}"
  check "the late code still signs in (200, got $status)" test "$status" = 200
  check "/health's backlog goes back to 0" poll 100 backlog_is "$url" email 0
  check "exactly one mail arrived" test "$(mails "$smtp")" = 1
  stop_authd "$authd_pid"
  check "SIGTERM stops authd with exit 0" test "$stopped_code" = 0

  # A server that offers no STARTTLS at all: SMTP_TLS=starttls sends nothing in clear, it fails and retries.
  start_smtp "$work/plain"
  start_authd plain DATABASE_URL="sqlite:///$work/plain.db" EMAIL_DELIVERY=smtp SMTP_HOST=127.0.0.1 \
    SMTP_PORT="$smtp_port" SMTP_TLS=starttls SMTP_CA_FILE="$work/trusted.pem" FROM_EMAIL="$from_email"
  url=$authd_url
  register_agent "$url" 612345603 agent.three@example.com
  request_otp "$url" +212612345603 email
  check "request-otp answers 202 (got $status)" test "$status" = 202
  plain_failed_and_pending() { log_has plain '"message delivery failed"' && backlog_at_least "$url" email 1; }
  check "without STARTTLS on offer the delivery fails and stays queued" poll 300 plain_failed_and_pending
  echo "log: $(grep -m1 '"message delivery failed"' "$work/plain.log")"
  check "without STARTTLS on offer nothing is sent in clear" test "$(mails "$work/plain")" = 0
  check "without STARTTLS on offer the failure is not final" bash -c "! grep -q 'message dead' '$work/plain.log'"
  check "the failure line does not hold the recipient's address" \
    bash -c "! grep 'message delivery failed' '$work/plain.log' | grep -qi 'agent.three@example.com'"
  stop_authd "$authd_pid"
  check "SIGTERM stops authd with exit 0" test "$stopped_code" = 0
}

# ==== c. an SMTP outage =============================================================================================
scenario_smtp_outage() {
  make_cert smtp
  start_smtp "$work/smtp" --starttls "$work/smtp.pem" "$work/smtp-key.pem"
  local port=$smtp_port smtp=$work/smtp
  "$smtp_server" halt "$smtp"   # the port is known; nothing listens there now
  start_authd authd EMAIL_DELIVERY=smtp SMTP_HOST=127.0.0.1 SMTP_PORT="$port" SMTP_TLS=starttls \
    SMTP_CA_FILE="$work/smtp.pem" FROM_EMAIL="$from_email" OTP_RESEND_SECONDS=0 DELIVERY_MAX_ATTEMPTS=50
  local url=$authd_url

  register_agent "$url" 612345611 agent.a@example.com
  register_agent "$url" 612345612 agent.b@example.com
  register_agent "$url" 612345613 agent.c@example.com
  # 7 messages for 5 people while the server is down; agent A gets three codes, between the others'.
  local answers=() n
  for n in 11 12 11 13; do request_otp "$url" +2126123456$n email; answers+=("$status"); done
  register_client "$url" client.x@example.com; answers+=("$status")
  register_client "$url" client.y@example.com; answers+=("$status")
  request_otp "$url" +212612345611 email; answers+=("$status")
  check "every request answers while SMTP is down (202 202 202 202 201 201 202, got ${answers[*]})" \
    test "${answers[*]}" = "202 202 202 202 201 201 202"
  five_failures() { [ "$(log_count authd '"message delivery failed"')" -ge 5 ]; }
  check "each of the 5 recipients' first message failed once" poll 300 five_failures
  check "/health counts the 7 queued messages" poll 100 backlog_is "$url" email 7
  check "nothing arrived while the server was down" test "$(mails "$smtp")" = 0

  local resumed
  resumed=$("$smtp_server" resume "$smtp") || fatal "the SMTP server did not come back"
  check "the SMTP server is back on the same port" test "$resumed" = "$port"
  poll 600 mails_at_least "$smtp" 7 || fatal "only $(mails "$smtp") of 7 messages arrived within 60 s of the end of the outage"
  check "/health's backlog goes back to 0" poll 100 backlog_is "$url" email 0
  check "exactly 7 mails arrived" test "$(mails "$smtp")" = 7

  # "<file> <recipient> <message id>" a line, in arrival order.
  local table
  table=$(paste -d' ' <(read_mail "$smtp/mail" rcpt) <(read_mail "$smtp/mail" message-id | cut -d' ' -f2) |
          sed 's/[<>]//g; s/@authd$//')
  # Each queued message once: the Message-IDs of the mails are the queue's ids, each exactly once.
  local arrived queued
  arrived=$(awk '{ print $3 }' <<<"$table")
  queued=$(sqlite3 -cmd '.timeout 5000' "$work/authd.db" 'SELECT message_id FROM messages ORDER BY id')
  check "7 distinct Message-IDs" test "$(sort -u <<<"$arrived" | wc -l)" = 7
  check "no Message-ID twice" test -z "$(sort <<<"$arrived" | uniq -d)"
  check "the Message-IDs are those of the 7 queued messages" test "$(sort <<<"$arrived")" = "$(sort <<<"$queued")"
  # Per recipient, in request (queue) order.
  local who in_arrival in_queue order_ok=1
  for who in agent.a@example.com agent.b@example.com agent.c@example.com client.x@example.com client.y@example.com; do
    in_arrival=$(awk -v who="$who" '$2 == who { print $3 }' <<<"$table")
    in_queue=$(sqlite3 -cmd '.timeout 5000' "$work/authd.db" "SELECT message_id FROM messages WHERE recipient = '$who' ORDER BY id")
    if [ -z "$in_queue" ] || [ "$in_arrival" != "$in_queue" ]; then
      order_ok=0
      echo "order for $who: arrived [$in_arrival] queued [$in_queue]"
    fi
  done
  check "each recipient's mails arrived in request order" test $order_ok = 1
  check "agent A got three mails" test "$(awk '$2 == "agent.a@example.com"' <<<"$table" | wc -l)" = 3
  # Agent A's last mail holds the code in force (each new code replaces the one before).
  local last_a
  last_a=$smtp/mail/$(awk '$2 == "agent.a@example.com" { print $1 }' <<<"$table" | tail -1)
  api POST "$url/api/v1/auth/verify-otp" "{\"phone_number\":\"+212612345611\",\"code\":\"$(read_mail "$last_a" code)\"}"
  check "the code of agent A's last mail signs in (200, got $status)" test "$status" = 200
  check "no message died" bash -c "! grep -q 'message dead' '$work/authd.log'"
  check "/metrics counts 7 sent" test "$(messages_total "$url" email sent)" = 7
  stop_authd "$authd_pid"
  check "SIGTERM stops authd with exit 0" test "$stopped_code" = 0
}

# ==== d. SMS through a signed webhook ===============================================================================
start_receiver() {  # start_receiver DIR [receiver options]: sets receiver_pid and receiver_port
  local dir=$1; shift
  mkdir -p "$dir"
  python3 "$here/webhook_receiver.py" --folder "$dir" "$@" </dev/null >"$dir/stderr.log" 2>&1 &
  receiver_pid=$!
  pids+=("$receiver_pid")
  poll 100 test -s "$dir/port" || fatal "the webhook receiver did not start: $(cat "$dir/stderr.log")"
  receiver_port=$(cat "$dir/port")
}
accepted() { local f n=0; for f in "$1"/accepted/*.json; do [ -e "$f" ] && n=$((n + 1)); done; echo "$n"; }
accepted_at_least() { [ "$(accepted "$1")" -ge "$2" ]; }
sign() {  # sign UNIX_SECONDS BODY: the v1 value authd would send
  printf '%s.%s' "$1" "$2" | openssl dgst -sha256 -hmac "$WEBHOOK_SECRET" -r | cut -d' ' -f1
}

scenario_webhook() {
  export WEBHOOK_SECRET
  WEBHOOK_SECRET=$(openssl rand -hex 32)
  start_receiver "$work/hook1"
  local port=$receiver_port hook1=$work/hook1 hook2=$work/hook2

  # The receiver itself: a forged or stale signature is refused and kept nowhere.
  local forged='{"id":"x","channel":"sms","kind":"otp_code","to":"+212600000000","text":"Your authd code is 000000."}'
  local now old
  now=$(date +%s)
  old=$((now - 400))
  check "the receiver refuses a wrong signature (401)" test "$(curl -s -o /dev/null -w '%{http_code}' \
    -H 'X-Authd-Message-Id: x' -H "X-Authd-Signature: t=$now,v1=$(printf '0%.0s' {1..64})" \
    --data-binary "$forged" "http://127.0.0.1:$port/sms")" = 401
  check "the receiver refuses a right signature of a stale timestamp (401)" test "$(curl -s -o /dev/null -w '%{http_code}' \
    -H 'X-Authd-Message-Id: x' -H "X-Authd-Signature: t=$old,v1=$(sign "$old" "$forged")" \
    --data-binary "$forged" "http://127.0.0.1:$port/sms")" = 401
  check "the receiver kept neither" test "$(accepted "$hook1")" = 0

  start_authd authd SMS_DELIVERY=webhook SMS_WEBHOOK_URL="http://127.0.0.1:$port/sms" OTP_RESEND_SECONDS=0 \
    DELIVERY_MAX_ATTEMPTS=20
  local url=$authd_url
  check "/health names the SMS channel webhook" test "$(health_field "$url" delivery.sms.channel)" = webhook
  check "the signing secret is never printed" bash -c "! grep -q '$WEBHOOK_SECRET' '$work/authd.log'"

  register_agent "$url" 612345621 agent.sms@example.com
  request_otp "$url" +212612345621 sms
  check "request-otp by SMS answers 202 (got $status)" test "$status" = 202
  poll 300 accepted_at_least "$hook1" 1 || fatal "the SMS did not reach the webhook receiver within 30 s"
  local doc id text code
  doc=$(cat "$hook1/accepted/000001.json")
  id=$(json id "$doc")
  text=$(json text "$doc")
  code=$(grep -oE 'code is [0-9]{6}' <<<"$text" | grep -oE '[0-9]{6}')
  check "the body's id is a UUID" grep -qE "$uuid_re" <<<"$id"
  check "the body's channel is sms" test "$(json channel "$doc")" = sms
  check "the body's kind is otp_code" test "$(json kind "$doc")" = otp_code
  check "the body's to is the agent's number" test "$(json to "$doc")" = +212612345621
  check "the body's text gives the code" grep -qE "^$otp_text_re\$" <<<"$text"
  check "an SMS body has no subject" test -z "$(json subject "$doc")"
  check "an SMS body has no html" test -z "$(json html "$doc")"
  local requests
  requests=$(cat "$hook1/requests.log")
  check "the receiver checked the signature and answered 200 (its log: $requests)" \
    test "$requests" = "$(printf '401 /sms x bad signature\n401 /sms x stale timestamp\n200 /sms %s accepted' "$id")"
  api POST "$url/api/v1/auth/verify-otp" "{\"phone_number\":\"+212612345621\",\"code\":\"$code\"}"
  check "the code from the webhook signs in (200, got $status)" test "$status" = 200
  check "/health's SMS backlog goes back to 0" poll 100 backlog_is "$url" sms 0

  # A receiver that answers 500 once, then 200: the message comes again, under the same id, and is kept once.
  kill "$receiver_pid"
  wait "$receiver_pid" 2>/dev/null
  start_receiver "$hook2" --port "$port" --fail-first 1
  request_otp "$url" +212612345621 sms
  check "a second request-otp answers 202 (got $status)" test "$status" = 202
  poll 300 grep -qs '^500 ' "$hook2/requests.log" || fatal "authd did not call the failing receiver within 30 s"
  poll 300 accepted_at_least "$hook2" 1 || fatal "the SMS was not delivered again within 30 s of the 500"
  local first_id second_id
  first_id=$(awk '$1 == 500 { print $3 }' "$hook2/requests.log")
  second_id=$(json id "$(cat "$hook2/accepted/000001.json")")
  check "the receiver saw one 500 then one 200" \
    test "$(awk '{ print $1 }' "$hook2/requests.log" | paste -sd' ')" = "500 200"
  check "the retry carried the same message id" test "$first_id" = "$second_id"
  check "the message was kept exactly once" test "$(accepted "$hook2")" = 1
  code=$(json text "$(cat "$hook2/accepted/000001.json")" | grep -oE 'code is [0-9]{6}' | grep -oE '[0-9]{6}')
  api POST "$url/api/v1/auth/verify-otp" "{\"phone_number\":\"+212612345621\",\"code\":\"$code\"}"
  check "the retried SMS's code signs in (200, got $status)" test "$status" = 200
  check "the 500 is logged once as a failed delivery naming HTTP 500" \
    test "$(grep '"message delivery failed"' "$work/authd.log" | grep -c 'HTTP 500')" = 1
  check "the failure line does not hold the phone number" \
    bash -c "! grep 'message delivery failed' '$work/authd.log' | grep -q '612345621'"
  check "/metrics counts 2 SMS sent and 1 retried" \
    test "$(messages_total "$url" sms sent) $(messages_total "$url" sms retried)" = "2 1"
  check "/health's SMS backlog goes back to 0" poll 100 backlog_is "$url" sms 0
  stop_authd "$authd_pid"
  check "SIGTERM stops authd with exit 0" test "$stopped_code" = 0
}

# ==== e. two instances on one PostgreSQL or MariaDB database =========================================================
url_part() { python3 -c 'import sys, urllib.parse as u; p = u.urlsplit(sys.argv[1]); print(getattr(p, sys.argv[2]) or "")' "$1" "$2"; }

scenario_two_instances() {  # scenario_two_instances postgresql|mysql
  local kind=$1 var admin name db_url
  var=$([ "$kind" = postgresql ] && echo AUTHD_TEST_PG_URL || echo AUTHD_TEST_MYSQL_URL)
  admin=${!var:-}
  # Never a silent skip: without the server this scenario is a failure (scripts/test starts one).
  [ -n "$admin" ] || fatal "$var is not set: run scripts/test, which starts the database servers"
  name="authd_e2e_$(openssl rand -hex 6)"
  db_url="${admin%/*}/$name"
  if [ "$kind" = postgresql ]; then
    command -v psql >/dev/null || fatal "psql is not installed (scripts/setup installs postgresql)"
    psql "$admin" -v ON_ERROR_STOP=1 -qc "CREATE DATABASE $name" >/dev/null ||
      fatal "cannot create the scratch database $name on ${admin##*@}"
    drop_database="psql '$admin' -qc 'DROP DATABASE IF EXISTS $name WITH (FORCE)'"
  else
    command -v mariadb >/dev/null || fatal "the mariadb client is not installed (scripts/setup installs mariadb-server)"
    local my=(mariadb --no-defaults -h "$(url_part "$admin" hostname)" -P "$(url_part "$admin" port)"
              -u "$(url_part "$admin" username)" "-p$(url_part "$admin" password)")
    "${my[@]}" -e "CREATE DATABASE $name" || fatal "cannot create the scratch database $name on ${admin##*@}"
    drop_database="$(printf '%q ' "${my[@]}") -e 'DROP DATABASE IF EXISTS $name'"
  fi

  start_smtp "$work/smtp"
  local smtp=$work/smtp
  # Both at once, as two replicas start: the migrations are theirs to share too.
  local common=(DATABASE_URL="$db_url" EMAIL_DELIVERY=smtp SMTP_HOST=127.0.0.1 SMTP_PORT="$smtp_port" SMTP_TLS=none
                OTP_RESEND_SECONDS=0 DELIVERY_MAX_ATTEMPTS=20)
  env "${common[@]}" FROM_EMAIL="authd one <no-reply@example.com>" "$authd" serve </dev/null >"$work/one.log" 2>&1 &
  pids+=($!)
  local one_pid=$!
  env "${common[@]}" FROM_EMAIL="authd two <no-reply@example.com>" "$authd" serve </dev/null >"$work/two.log" 2>&1 &
  pids+=($!)
  local two_pid=$!
  listening() { grep -qE 'listening on [0-9.]+:[0-9]+' "$work/$1.log"; }
  both_listening() { listening one && listening two; }
  poll 900 both_listening || fatal "the two instances did not both start within 90 s"
  local one two
  one="http://$(grep -m1 -oE 'listening on [0-9.]+:[0-9]+' "$work/one.log" | sed 's/listening on //')"
  two="http://$(grep -m1 -oE 'listening on [0-9.]+:[0-9]+' "$work/two.log" | sed 's/listening on //')"

  local i urls=("$one" "$two")
  for i in $(seq 10 19); do register_agent "${urls[i % 2]}" "6123456$i" "agent.$i@example.com"; done
  # The 10 requests at once, alternating instances: both deliverers find work in the same table.
  local requests=()
  for i in $(seq 10 19); do
    curl -s -o /dev/null -w '%{http_code}\n' --max-time 30 -H 'Content-Type: application/json' \
      --data-binary "{\"phone_number\":\"+2126123456$i\",\"delivery_method\":\"email\"}" \
      "${urls[i % 2]}/api/v1/auth/request-otp" >"$work/request-$i.status" &
    requests+=($!)
  done
  for i in "${requests[@]}"; do wait "$i"; done
  check "the 10 requests answer 202" test "$(cat "$work"/request-*.status | sort | uniq -c | awk '{print $1, $2}')" = "10 202"
  poll 600 mails_at_least "$smtp" 10 || fatal "only $(mails "$smtp") of 10 mails arrived within 60 s"
  check "/health of the first instance: backlog 0" poll 100 backlog_is "$one" email 0
  check "/health of the second instance: backlog 0" poll 100 backlog_is "$two" email 0
  local ids rcpts
  ids=$(read_mail "$smtp/mail" message-id | cut -d' ' -f2)
  rcpts=$(read_mail "$smtp/mail" rcpt | cut -d' ' -f2 | sort)
  check "exactly 10 mails arrived" test "$(mails "$smtp")" = 10
  check "10 distinct Message-IDs" test "$(sort -u <<<"$ids" | wc -l)" = 10
  check "no Message-ID twice" test -z "$(sort <<<"$ids" | uniq -d)"
  check "one mail for each of the 10 agents" \
    test "$rcpts" = "$(for i in $(seq 10 19); do echo "<agent.$i@example.com>"; done | sort)"
  local sent_one sent_two
  sent_one=$(messages_total "$one" email sent)
  sent_two=$(messages_total "$two" email sent)
  echo "sent by the first instance: $sent_one, by the second: $sent_two"
  check "the two instances sent 10 between them" test "$((${sent_one:-0} + ${sent_two:-0}))" = 10
  local m1 code
  m1=$(grep -l '^X-Sink-Rcpt-To: <agent.10@example.com>' "$smtp"/mail/*.eml)
  code=$(read_mail "$m1" code)
  api POST "$two/api/v1/auth/verify-otp" "{\"phone_number\":\"+212612345610\",\"code\":\"$code\"}"
  check "a code asked of the first instance signs in on the second (200, got $status)" test "$status" = 200
  check "no delivery failed" test "$(cat "$work/one.log" "$work/two.log" | grep -c 'message delivery failed')" = 0
  stop_authd "$one_pid"
  check "SIGTERM stops the first instance with exit 0" test "$stopped_code" = 0
  stop_authd "$two_pid"
  check "SIGTERM stops the second instance with exit 0" test "$stopped_code" = 0
  check "exactly 10 mails after both stopped" test "$(mails "$smtp")" = 10
}

case $scenario in
  smtp_starttls) scenario_smtp_starttls ;;
  smtp_wrong_certificate) scenario_smtp_wrong_certificate ;;
  smtp_outage) scenario_smtp_outage ;;
  webhook) scenario_webhook ;;
  postgresql_two_instances) scenario_two_instances postgresql ;;
  mariadb_two_instances) scenario_two_instances mysql ;;
  *) echo "usage: $0 AUTHD_EXECUTABLE smtp_starttls|smtp_wrong_certificate|smtp_outage|webhook|postgresql_two_instances|mariadb_two_instances" >&2
     exit 2 ;;
esac
echo "$passes passed, $failures failed"
[ $failures -eq 0 ]
