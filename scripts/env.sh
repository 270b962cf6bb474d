# Shared by scripts/check and scripts/run: one venv, pinned dependencies, offline environment.
ROOT=$(pwd)
VENV=${TRAILKEEP_VENV:-.venv}
export ANONYMIZED_TELEMETRY=False HF_HUB_OFFLINE=1 TOKENIZERS_PARALLELISM=false
export STREAMLIT_SERVER_HEADLESS=true STREAMLIT_SERVER_ADDRESS=127.0.0.1
export STREAMLIT_BROWSER_GATHER_USAGE_STATS=false
unset NLTK_DATA TIKTOKEN_CACHE_DIR

ensure_venv() {
  local py=${PYTHON:-}
  if [ -z "$py" ]; then
    for cand in python3.11 python3; do
      if command -v "$cand" >/dev/null && "$cand" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
        py=$cand; break
      fi
    done
  fi
  [ -n "$py" ] || { echo "Python 3.11 is required (set PYTHON=...)" >&2; exit 2; }
  if [ ! -x "$VENV/bin/python" ]; then
    echo "== creating $VENV with $py"
    "$py" -m venv "$VENV"
    "$VENV/bin/python" -m pip install -q --upgrade pip
  fi
  # Strict editable mode: a link tree that mypy and pytest can follow (re-run to pick up new files).
  "$VENV/bin/python" -m pip install -q -e ".[dev]" --config-settings editable_mode=strict
  VENV_SITE_SRC=$(ls -d build/__editable__.trailkeep-*/ | head -1)
}
