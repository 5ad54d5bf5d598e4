#!/usr/bin/env bash
# Installs every Debian package Hayloft needs to build, test and run.
# Idempotent and non-interactive: safe to run again; does nothing when all is there.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config git
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  libabsl-dev libleveldb-dev libsnappy-dev
  libgtest-dev libgmock-dev libbenchmark-dev libcpp-httplib-dev
  libssl-dev zlib1g-dev
  python3 procps iproute2 curl
  nlohmann-json3-dev
  chromium
  prometheus
  socat iperf3  # bench/run.sh: the loopback TCP baselines
)

# Node.js + npm run the browser and WebHDFS-client tests (tests/web). Machines that
# already have a Node.js (e.g. from NodeSource, whose nodejs package bundles npm) keep it;
# Debian's separate npm package would conflict with that.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  PACKAGES+=(nodejs npm)
fi

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#PACKAGES[@]} packages already installed"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null
# Only promtool (Prometheus's own /metrics format checker, used by the tests) is wanted
# from the prometheus package; do not leave its server running on port 9090.
if command -v systemctl >/dev/null 2>&1 && systemctl is-enabled prometheus >/dev/null 2>&1; then
  $SUDO systemctl disable --now prometheus >/dev/null 2>&1 || true
fi
echo "install-deps: done"
