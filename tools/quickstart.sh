#!/usr/bin/env bash
# Quick start: install everything, build, then run the main job on a model folder
# (default ../shared/models/stories260K): perplexity and a greedy story.
#   tools/quickstart.sh [MODEL_DIR] [TEXT_FILE]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
model=${1:-$root/../shared/models/stories260K}
text=${2:-$root/../shared/data/eval/tinystories-6000.txt}
"$root/tools/setup.sh" >/dev/null
"$root/tools/build.sh"
apiq="${APIQ_BUILD_DIR:-$root/build}/app/apiq"
echo "== apiq eval $model"
"$apiq" eval "$model" --data "$text" --seq-len 256 --max-windows 8
echo "== apiq generate $model"
"$apiq" generate "$model" --prompt "Once upon a time" --max-new-tokens 60
