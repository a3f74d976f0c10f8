#!/usr/bin/env bash
# Configures and builds ApiQ Studio into ${APIQ_BUILD_DIR:-build}. Extra arguments go to cmake.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${APIQ_BUILD_DIR:-$root/build}
VENV="${APIQ_VENV:-$HOME/.cache/apiq-studio/venv}"
py_arg=()
[[ -x "$VENV/bin/python" ]] && py_arg=(-DAPIQ_PYTHON="$VENV/bin/python")
generator=()
[[ -f "$build/CMakeCache.txt" ]] || { command -v ninja >/dev/null && generator=(-G Ninja); }
cmake -S "$root" -B "$build" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release "${py_arg[@]}" "$@" >/dev/null
cmake --build "$build" -j "$(nproc)"
