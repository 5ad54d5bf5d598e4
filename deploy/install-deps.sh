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
  socat iperf3  # bench/run.sh: the loopback TCP baselines
)

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
echo "install-deps: done"
