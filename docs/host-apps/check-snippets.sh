#!/usr/bin/env bash
# Checks the token snippets of docs/host-apps.md against the real server:
# starts `privacy-center serve` on a temporary data directory, mints a token
# with each snippet using the key the server generated, and exchanges it for
# a session (201), then checks a replay (401 token_replayed) and the service
# token route. Run by hand from the repository root after building:
#   cargo build -p privacy-center-api && docs/host-apps/check-snippets.sh [BINARY]
set -euo pipefail
bin=${1:-target/debug/privacy-center}
here=$(cd "$(dirname "$0")" && pwd)
data=$(mktemp -d)
log=$(mktemp)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$data" "$log"' EXIT
"$bin" serve --addr 127.0.0.1:0 --dist /nonexistent --policies policies --data-dir "$data" >"$log" 2>/dev/null &
pid=$!
for _ in $(seq 50); do grep -q 'running at' "$log" && break; sleep 0.1; done
url=$(grep -o 'http://[0-9.:]*' "$log")
key=$(cat "$data/keys/vchat.key")

exchange() { # token -> "status body"
  curl -s -o /dev/stdout -w ' %{http_code}' -H 'Content-Type: application/json' \
    -d "{\"token\":\"$1\",\"channel\":\"webview\",\"app\":\"vchat\"}" "$url/api/session"
}
check() { # name token
  local out
  out=$(exchange "$2")
  [[ $out == *' 201' ]] || { echo "FAIL $1: $out"; exit 1; }
  out=$(exchange "$2")
  [[ $out == *'"token_replayed"'*' 401' ]] || { echo "FAIL $1 replay: $out"; exit 1; }
  echo "ok   $1: 201, then 401 token_replayed"
}

check python "$(python3 "$here/mint_token.py" vchat py-user "$key")"
if command -v java >/dev/null; then
  check java "$(java "$here/MintToken.java" vchat java-user "$key")"
else
  echo "skip java (no java on PATH)"
fi
service=$("$bin" token --service --app vchat --data-dir "$data" --policies policies)
status=$(curl -s -H "Authorization: Bearer $service" "$url/api/internal/apps/vchat/users/py-user/status")
[[ $status == *'"consent":"never"'* ]] || { echo "FAIL status: $status"; exit 1; }
echo "ok   service token: $status"
