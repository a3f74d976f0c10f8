#!/usr/bin/env bash
# Installs everything ApiQ Studio needs on Debian 12: system packages and a Python
# virtual environment holding the torch==2.11.0 wheel (LibTorch comes from it).
# Idempotent: an existing environment with the right torch is reused, not reinstalled.
set -euo pipefail

VENV="${APIQ_VENV:-$HOME/.cache/apiq-studio/venv}"
TORCH_VERSION="2.11.0"
PY_PACKAGES=(safetensors numpy transformers peft sentencepiece tokenizers jinja2 compressed-tensors)

DEB_PACKAGES=(build-essential cmake ninja-build pkg-config git
  qt6-base-dev qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools qt6-svg-dev libqt6svg6
  libqcustomplot-dev libsentencepiece-dev nlohmann-json3-dev libgtest-dev libgmock-dev
  libcli11-dev libpcre2-dev libicu-dev clang libclang-rt-14-dev xvfb xauth python3-venv)

log() { echo "[setup] $*" >&2; }

missing=()
for p in "${DEB_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  log "installing Debian packages: ${missing[*]}"
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  log "Debian packages present"
fi

# Prefer python3 from PATH (pyenv on our machines), else Debian's.
PY="${APIQ_PYTHON:-python3}"
if [[ -x "$VENV/bin/python" ]] && "$VENV/bin/python" -c "import torch,sys; sys.exit(0 if torch.__version__.split('+')[0]=='$TORCH_VERSION' else 1)" 2>/dev/null; then
  log "reusing virtual environment $VENV (torch $TORCH_VERSION)"
else
  log "creating virtual environment $VENV with torch==$TORCH_VERSION (about 4 GB)"
  mkdir -p "$(dirname "$VENV")"
  "$PY" -m venv "$VENV"
  "$VENV/bin/python" -m pip install -q --upgrade pip
  "$VENV/bin/python" -m pip install -q "torch==$TORCH_VERSION"
fi
if ! "$VENV/bin/python" -c "import safetensors, numpy, transformers, peft, sentencepiece, tokenizers, jinja2, compressed_tensors" 2>/dev/null; then
  log "installing verification packages: ${PY_PACKAGES[*]}"
  "$VENV/bin/python" -m pip install -q "${PY_PACKAGES[@]}"
fi
echo "$VENV"
