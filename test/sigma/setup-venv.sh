#!/usr/bin/env bash
# Sets up .venv-sigma/ (git-ignored) with the Python packages pinned in test/sigma/requirements.txt:
# Sigma's reference checker and pySigma's Elasticsearch backend, used by test/sigma/sigma.test.ts.
# Idempotent: does nothing when the venv already holds exactly these pins. PYTHON picks the interpreter.
set -euo pipefail
cd "$(dirname "$0")/../.."
venv=.venv-sigma
requirements=test/sigma/requirements.txt
stamp="$venv/.requirements.sha256"
want="$(sha256sum "$requirements" | cut -d ' ' -f 1)"
if [[ -x "$venv/bin/python" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
  echo "sigma venv up to date: $venv"
  exit 0
fi
python="${PYTHON:-python3}"
command -v "$python" >/dev/null || { echo "✖ $python not found: install Python 3.10+ or set PYTHON=/path/to/python3" >&2; exit 1; }
started=$(date +%s)
rm -f "$stamp"
"$python" -m venv --clear "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input -r "$requirements"
"$venv/bin/python" -m pip check --disable-pip-version-check >/dev/null
echo "$want" > "$stamp"
echo "sigma venv ready: $venv in $(( $(date +%s) - started )) s"
