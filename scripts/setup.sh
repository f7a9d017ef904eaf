#!/usr/bin/env bash
# Installs whatever is missing for `npm run demo` and `npm test`, and nothing that is already there.
# Sources: the npm registry, the Go module proxy, Debian's packages. Also `npm run setup` on its own.
set -euo pipefail
cd "$(dirname "$0")/.."

TEMPORAL_CLI_VERSION=1.5.1   # newest tag go install accepts (no replace lines); server 1.29.1, UI 2.42.1
GOBIN_DIR=${WAVEWATCH_GOBIN:-/usr/local/bin}
log() { echo "[setup] $*" >&2; }

# 1. npm packages: `npm ci` when node_modules is missing or older than the lock file.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "installing npm packages (npm ci)"
  npm ci --no-audit --no-fund >&2
fi

# 2. Debian packages: nats-server, sshd, systemd-journal-remote (real journal files for tests),
#    chromium (the Web UI test). Installed only when a binary is missing.
need=()
command -v nats-server >/dev/null 2>&1 || need+=(nats-server)
[ -x /usr/sbin/sshd ] || need+=(openssh-server)
[ -x /lib/systemd/systemd-journal-remote ] || need+=(systemd-journal-remote)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v openssl >/dev/null 2>&1 || need+=(openssl)
if [ ${#need[@]} -gt 0 ]; then
  log "installing Debian packages: ${need[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  mkdir -p .wavewatch
  if ! { $SUDO apt-get update -qq && $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}"; } > .wavewatch/setup-apt.log 2>&1; then
    log "apt-get failed; its output is in .wavewatch/setup-apt.log:"; tail -20 .wavewatch/setup-apt.log >&2; exit 1
  fi
fi

# 3. The Temporal CLI (dev server + Web UI), built from the Go module proxy.
if ! temporal --version 2>/dev/null | grep -q "version ${TEMPORAL_CLI_VERSION} "; then
  if [ -x "$GOBIN_DIR/temporal" ] && "$GOBIN_DIR/temporal" --version 2>/dev/null | grep -q "version ${TEMPORAL_CLI_VERSION} "; then
    log "temporal is in $GOBIN_DIR but that folder is not on the PATH"
  else
    log "building the Temporal CLI v${TEMPORAL_CLI_VERSION} with go install (a few minutes, once per machine)"
    GOBIN="$GOBIN_DIR" go install \
      -ldflags "-X github.com/temporalio/cli/temporalcli.Version=${TEMPORAL_CLI_VERSION}" \
      "github.com/temporalio/cli/cmd/temporal@v${TEMPORAL_CLI_VERSION}" >&2
  fi
fi
log "ready: $(temporal --version 2>/dev/null || echo "temporal in $GOBIN_DIR"), $(nats-server --version 2>&1 | head -1)"
