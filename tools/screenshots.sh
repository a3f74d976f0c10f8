#!/usr/bin/env bash
# Takes the README's screenshots: runs apiq-studio's screenshot tour in a virtual X server.
#   tools/screenshots.sh [MODEL_DIR] [CALIB_TEXT] [PERPLEXITY_TEXT]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
model=${1:-$root/../shared/models/stories260K}
calib=${2:-$root/../shared/data/tinystories-sample.txt}
studio="${APIQ_BUILD_DIR:-$root/build}/app/gui/apiq-studio"
xvfb-run -a -s "-screen 0 1400x900x24" "$studio" "$model" --calib "$calib" --text "${3:-$root/../shared/data/eval/tinystories-6000.txt}" --screenshots "$root/docs/screenshots"
ls -l "$root/docs/screenshots"
