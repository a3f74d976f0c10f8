#!/usr/bin/env bash
# Runs every test through CTest (installing and building first when needed).
#   tools/test.sh [extra ctest arguments]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/tools/setup.sh" >/dev/null
"$root/tools/build.sh"
cd "${APIQ_BUILD_DIR:-$root/build}"
ctest --output-on-failure -j 2 "$@"
