#!/usr/bin/env bash
# Builds Hayloft and runs every test: the unit tests and the integration tests on
# real multi-process clusters, two at a time. On a fresh Debian 12 this is all you
# need: it installs the packages first. Works unattended (CI=true, no stdin).
#
# Environment: HAYLOFT_BUILD_DIR (default build/), HAYLOFT_JOBS (compile jobs,
# default: the number of cores), CTEST_ARGS (extra ctest options, e.g. "-L unit").
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$(pwd)
BUILD_DIR=${HAYLOFT_BUILD_DIR:-$ROOT/build}
JOBS=${HAYLOFT_JOBS:-$(nproc)}

echo "==> Installing packages"
deploy/install-deps.sh </dev/null

# A build dir made with another generator cannot be reused with Ninja.
if [ -f "$BUILD_DIR/CMakeCache.txt" ] &&
   ! grep -q '^CMAKE_GENERATOR:INTERNAL=Ninja$' "$BUILD_DIR/CMakeCache.txt"; then
  echo "==> $BUILD_DIR was configured with another generator; configuring it anew"
  rm -rf "$BUILD_DIR/CMakeCache.txt" "$BUILD_DIR/CMakeFiles"
fi

# The browser and WebHDFS-client tests (tests/web) run on Node.js packages pinned by
# package-lock.json: playwright-core drives Debian's chromium; webhdfs is the public
# client.
echo "==> Installing the web tests' npm packages (tests/web)"
(cd tests/web && npm ci --no-audit --no-fund --loglevel=error </dev/null)

echo "==> Configuring ($BUILD_DIR, RelWithDebInfo)"
cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_COMPILER_LAUNCHER=ccache >/dev/null

echo "==> Building"
cmake --build "$BUILD_DIR" -j "$JOBS"

echo "==> Testing"
cd "$BUILD_DIR"
# Integration tests bind port 0 on loopback and use their own temp dirs, so they
# run side by side. ctest's summary is the last thing printed.
# shellcheck disable=SC2086
exec ctest --output-on-failure --no-tests=error -j2 ${CTEST_ARGS:-}
