# Sourced by the scripts: PATH for the tools scripts/setup installs.
# shellcheck shell=bash
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PWD/tools/node_modules/.bin:$PATH"

step() {
  local name=$1
  shift
  printf '\n\033[1;32m==> %s\033[0m\n' "$name" >&2
  local start=$SECONDS
  "$@"
  printf '\033[2m    %s: %ss\033[0m\n' "$name" $((SECONDS - start)) >&2
}
