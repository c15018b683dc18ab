#!/usr/bin/env bash
# The README as a reader meets it: every ```sh block that talks to localhost:3003 (the walkthroughs
# of "Try it", events and the catalog) is run twice in a row with bash -euo pipefail against the
# real authd, started the way "Try it" says (its `… scripts/run` line gives the settings, the
# seeded admin's password included; the staff user's is read from what `authd seed` prints).
# Also checks that the configuration table names every setting `authd --help` prints.
#   readme_test.sh AUTHD_EXECUTABLE [README]      (README_TEST_VERBOSE=1 shows what passing blocks print)
set -uo pipefail
authd=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
readme=$(realpath "${2:-$here/../../README.md}")
work=$(mktemp -d)
server="" drain=""
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
  [ -n "$drain" ] && wait "$drain" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
failures=0 passes=0
pass() { passes=$((passes + 1)); echo "ok: $*"; }
fail() { failures=$((failures + 1)); echo "FAILED: $*"; }
fatal() { echo "FATAL: $*"; [ -f "$work/authd.log" ] && tail -n 20 "$work/authd.log"; echo "$passes passed, $((failures + 1)) failed"; exit 1; }
for tool in curl python3 oathtool; do
  command -v "$tool" >/dev/null || fatal "$tool is not installed (scripts/setup installs it)"
done

# ---- every setting of --help in the configuration table ------------------------------------
settings=$("$authd" --help | sed -n 's/^  --\([a-z][a-z-]*\) .*/\1/p' | tr 'a-z-' 'A-Z_')
[ -n "$settings" ] || fatal "authd --help printed no settings"
missing=""
for s in $settings; do grep -q "^| .*\`$s\`" "$readme" || missing+=" $s"; done
if [ -z "$missing" ]; then pass "the configuration table has every setting of authd --help"
else fail "settings of authd --help missing from the README's configuration table:$missing"; fi

# ---- the walkthrough blocks, each with the heading it is under -----------------------------
mkdir "$work/blocks"
awk -v dir="$work/blocks" '
  /^```/ && !inblock { inblock = 1; lang = substr($0, 4); buf = ""; next }
  /^```/ && inblock {
    inblock = 0
    if (lang == "sh" && buf ~ /localhost:3003\//) {
      n++; f = sprintf("%s/%02d.sh", dir, n)
      printf "%s", buf > f; close(f)
      print heading > (dir "/headings")
    }
    next
  }
  inblock { buf = buf $0 "\n"; next }
  /^#+ / { heading = $0 }
' "$readme"
blocks=("$work"/blocks/*.sh)
[ -f "${blocks[0]}" ] || fatal "no \`\`\`sh block of $readme talks to localhost:3003"
mapfile -t headings <"$work/blocks/headings"

# ---- authd started as "Try it" says ----------------------------------------------------------
# The settings of the README's `NAME=value … scripts/run` line, on top of a throwaway database.
run_line=$(grep -E "^([A-Z_]+=('[^']*'|[^ ]*) )+scripts/run$" "$readme" | head -n 1)
[ -n "$run_line" ] || fatal "the README shows no \`NAME=value … scripts/run\` line to start authd with"
# Secrets as scripts/run makes them (data/dev-secrets), so that seed and serve share them.
JWT_SECRET_KEY=$(head -c 48 /dev/urandom | base64 | tr -d '/+=\n')
DB_ENCRYPTION_KEY=$(head -c 48 /dev/urandom | base64 | tr -d '/+=\n')
export HOST=127.0.0.1 PORT=0 APP_ENV=development DATABASE_URL="sqlite:///$work/authd.db" ACCESS_LOG=0 \
       AUTH_RATE_LIMIT_PER_MINUTE=0 JWT_SECRET_KEY DB_ENCRYPTION_KEY
eval "export ${run_line% scripts/run}"
echo "authd started as: ${run_line% scripts/run}"

"$authd" seed >"$work/seed.log" 2>&1 || { cat "$work/seed.log"; fatal "authd seed failed"; }
# The passwords as "Try it" tells the reader to export them: the admin's chosen, the staff user's printed.
if [ -n "${SEED_ADMIN_PASSWORD:-}" ]; then
  grep -qx "created admin@example.com" "$work/seed.log" || fail "authd seed did not create admin@example.com quietly"
  export ADMIN_PASSWORD=$SEED_ADMIN_PASSWORD
else
  ADMIN_PASSWORD=$(sed -n 's/^created admin@example.com with password \([^ ]*\)$/\1/p' "$work/seed.log")
  export ADMIN_PASSWORD
fi
STAFF_PASSWORD=$(sed -n 's/^created staff@example.com with password \([^ ]*\)$/\1/p' "$work/seed.log")
export STAFF_PASSWORD
if [ -z "$ADMIN_PASSWORD" ] || [ -z "$STAFF_PASSWORD" ]; then cat "$work/seed.log"; fatal "authd seed printed no passwords"; fi

mkfifo "$work/authd.stderr"
"$authd" serve 2>"$work/authd.stderr" >"$work/authd.stdout" &
server=$!
exec 3<"$work/authd.stderr"
port=""
while read -r -t 60 line <&3; do
  echo "$line" >>"$work/authd.log"
  [[ $line =~ listening\ on\ .*:([0-9]+) ]] && { port=${BASH_REMATCH[1]}; break; }
done
# Keep draining authd's stderr so that it never blocks on a full pipe.
cat <&3 >>"$work/authd.log" &
drain=$!
exec 3<&-
[ -n "$port" ] || fatal "authd did not announce its port"

# ---- each block twice: a second run must not meet what the first left behind ----------------
cd "$work" || fatal "cannot enter $work"
for i in "${!blocks[@]}"; do
  block=${blocks[$i]}
  sed "s|localhost:3003|127.0.0.1:$port|g" "$block" >"$block.local"
  for run in 1 2; do
    what="block $((i + 1)) under \"${headings[$i]}\", run $run"
    if timeout 90 bash -euo pipefail "$block.local" >"$work/out" 2>&1; then
      pass "$what"
      [ -n "${README_TEST_VERBOSE:-}" ] && sed 's/^/    /' "$work/out"
    else
      fail "$what (exit $?):"
      sed 's/^/    /' "$block"
      echo "  output:"
      sed 's/^/    /' "$work/out"
    fi
  done
done

if ! kill -0 "$server" 2>/dev/null; then fail "authd died during the walkthroughs"; tail -n 40 "$work/authd.log"; fi
if [ -n "${README_TEST_VERBOSE:-}" ]; then echo "authd's standard output:"; sed 's/^/    /' "$work/authd.stdout"; fi
echo "$passes passed, $failures failed"
[ "$failures" -eq 0 ]
