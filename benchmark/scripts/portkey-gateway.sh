#!/usr/bin/env bash
# The Portkey AI gateway (npm @portkey-ai/gateway 1.15.2), the peer the benchmark compares Switchyard with.
#   scripts/portkey-gateway.sh install        npm install into $PORTKEY_DIR (default benchmark/target/portkey)
#   scripts/portkey-gateway.sh start PORT     install if needed, then run it in the foreground (exec: the pid is node's)
# A plain install breaks streaming (HTTP 500): hono, @hono/node-server and @hono/node-ws are pinned with npm
# overrides. The gateway listens on every interface (only --port can be set).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
DIR="${PORTKEY_DIR:-$HERE/../target/portkey}"
SERVER="$DIR/node_modules/@portkey-ai/gateway/build/start-server.js"

install() {
  command -v npm >/dev/null 2>&1 || { echo "portkey-gateway: npm is missing (Debian: apt-get install -y npm)" >&2; exit 1; }
  [ -f "$SERVER" ] && return 0
  mkdir -p "$DIR"
  cat > "$DIR/package.json" <<'JSON'
{
  "name": "switchyard-bench-portkey",
  "private": true,
  "dependencies": { "@portkey-ai/gateway": "1.15.2" },
  "overrides": { "hono": "4.9.7", "@hono/node-server": "1.13.5", "@hono/node-ws": "1.2.0" }
}
JSON
  (cd "$DIR" && npm install --no-audit --no-fund --loglevel=error >&2)
  [ -f "$SERVER" ] || { echo "portkey-gateway: $SERVER missing after npm install" >&2; exit 1; }
}

case "${1:-}" in
  install) install ;;
  start)
    [ -n "${2:-}" ] || { echo "usage: $0 start PORT" >&2; exit 2; }
    install
    exec node "$SERVER" --port="$2" --headless
    ;;
  *) echo "usage: $0 install | start PORT" >&2; exit 2 ;;
esac
