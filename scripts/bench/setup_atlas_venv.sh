#!/usr/bin/env bash
# The venv for `npm run bench -- pipeline`'s peer, Embedding Atlas (PyPI embedding-atlas), kept apart
# from the test venv: resolved against the test venv's pins it would move python-dateutil 4 → 2.9 and
# duckdb 1.4 → 2.0 there, which other tools in that venv use. So this is a small overlay venv: its own
# site-packages hold embedding-atlas and the packages it adds or needs in another version, and a .pth
# file puts the test venv's site-packages (torch, sentence-transformers, umap-learn, numpy …) after
# them, so the ~5 GB torch install is not repeated. Bench only; never used by tests or CI.
#
#   scripts/bench/setup_atlas_venv.sh           # create / complete (idempotent)
#   FORCE=1 scripts/bench/setup_atlas_venv.sh   # rebuild
set -euo pipefail

BASE="${EMBEDMAP_VENV:-$HOME/.cache/embedmap-venv}"
VENV="${EMBEDMAP_ATLAS_VENV:-$HOME/.cache/embedmap-atlas-venv}"
ATLAS="embedding-atlas==0.26.0"
STAMP="$VENV/.embedmap-atlas-v1"
# the test venv's pins (scripts/models/setup_venv.sh): the overlay must resolve against exactly these
KEEP=(
  "torch==2.15.0" "transformers==5.24.0" "sentence-transformers==6.2.0" "tokenizers==0.23.3" "numpy==2.4.6"
  "scipy==1.17.1" "scikit-learn==1.9.1" "umap-learn==0.5.12" "pynndescent==0.7.0" "numba==0.68.1" "llvmlite==0.50.0"
)

if [[ "${FORCE:-0}" == "1" ]]; then rm -rf "$VENV"; fi
if [[ -f "$STAMP" ]]; then
  echo "[setup_atlas_venv] $VENV ready ($(cat "$STAMP"))"
  exit 0
fi
[[ -x "$BASE/bin/python" ]] || { echo "[setup_atlas_venv] run scripts/models/setup_venv.sh first ($BASE missing)" >&2; exit 1; }
PYBIN="$(readlink -f "$BASE/bin/python")"
"$PYBIN" -m venv "$VENV"
SITE="$("$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
BASE_SITE="$("$BASE/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
echo "$BASE_SITE" > "$SITE/zz-embedmap-venv.pth"

keep="$(mktemp)"
report="$(mktemp)"
printf '%s\n' "${KEEP[@]}" > "$keep"
PIP=("$VENV/bin/python" -m pip --disable-pip-version-check --no-cache-dir)
# resolve once against the test venv's packages, then install exactly that list without dependencies,
# so pip never touches (uninstalls from) the test venv
"${PIP[@]}" install -q --dry-run --ignore-installed -c "$keep" --report "$report" "$ATLAS"
mapfile -t WANT < <("$VENV/bin/python" - "$report" "$BASE/bin/python" <<'PY'
import json, subprocess, sys
report, base_py = sys.argv[1], sys.argv[2]
have = json.loads(subprocess.check_output([base_py, "-m", "pip", "list", "--format=json", "--disable-pip-version-check"]))
have = {p["name"].lower().replace("_", "-"): p["version"] for p in have}
for item in json.load(open(report))["install"]:
    m = item["metadata"]
    name = m["name"].lower().replace("_", "-")
    if have.get(name) != m["version"]:
        print(f"{m['name']}=={m['version']}")
PY
)
echo "[setup_atlas_venv] installing ${#WANT[@]} packages into the overlay: ${WANT[*]}"
"${PIP[@]}" install -q --no-deps "${WANT[@]}"
rm -f "$keep" "$report"
"$VENV/bin/python" -c "import embedding_atlas, torch, sentence_transformers, umap; import importlib.metadata as m; print('[setup_atlas_venv] embedding-atlas', m.version('embedding-atlas'), '| torch', torch.__version__, '| sentence-transformers', sentence_transformers.__version__)"
echo "done $(date -u +%FT%TZ)" > "$STAMP"
