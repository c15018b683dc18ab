#!/usr/bin/env bash
# Starts the built authd on a free port, opens its Swagger UI in headless Chromium
# (docs_page.mjs), then stops authd with SIGTERM.
# Usage: docs_page_test.sh path/to/authd [node]
set -uo pipefail
authd=$(realpath "$1")
node=${2:-node}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
server=""
trap '[ -n "$server" ] && kill $server 2>/dev/null; rm -rf "$work"' EXIT
cd "$work"

mkfifo "$work/stderr"
APP_ENV=development PORT=0 HOST=127.0.0.1 ACCESS_LOG=0 DATABASE_URL="sqlite:///$work/authd.db" \
  "$authd" serve 2>"$work/stderr" >/dev/null &
server=$!
exec 3<"$work/stderr"
port=""
while read -r -t 60 line <&3; do
  [[ $line =~ listening\ on\ .*:([0-9]+) ]] && { port=${BASH_REMATCH[1]}; break; }
done
if [ -z "$port" ]; then
  echo "FAILED: authd did not announce its port"
  exit 1
fi
# Keep draining authd's stderr so that it never blocks on a full pipe.
cat <&3 >/dev/null &
drain=$!

"$node" "$here/docs_page.mjs" "http://127.0.0.1:$port" "${DOCS_SCREENSHOT:-$work/docs.png}"
code=$?

kill -TERM $server
wait $server; stopped=$?
server=""
wait $drain 2>/dev/null
exec 3<&-
if [ $stopped -ne 0 ]; then
  echo "FAILED: authd did not exit 0 on SIGTERM (exit $stopped)"
  exit 1
fi
exit $code
