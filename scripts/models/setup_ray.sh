#!/usr/bin/env bash
# A real Ray cluster for the Ray-engine tests and `npm run bench -- embed --engine ray`: Ray 2.60.0 (ray[data,default],
# Apache-2.0) with onnxruntime and tokenizers for EmbedMap's job entry point (resources/ray/embedmap_ray_entry.py).
#
#   scripts/models/setup_ray.sh          # idempotent; FORCE=1 rebuilds
#
# Its own venv, like a cluster's own Python: Ray's dashboard extra ("default": aiohttp, grpcio, opencensus,
# prometheus-client, …) and its protobuf/pydantic ranges would move packages the main test venv's pins
# (transformers, mteb, sentence-transformers) rely on, and the cluster must not see that venv's torch stack.
# numpy / pyarrow / onnxruntime / tokenizers are pinned to the main venv's versions, so both sides run the
# same kernels. "default" is needed: the Jobs API EmbedMap submits to lives in Ray's dashboard.
set -euo pipefail

VENV="${EMBEDMAP_RAY_VENV:-$HOME/.cache/embedmap-ray-venv}"
PY="${PYTHON:-python3}"
STAMP="$VENV/.embedmap-ray-v1"

PKGS=(
  "ray[data,default]==2.60.0"
  "onnxruntime==1.30.0"
  "tokenizers==0.23.3"
  "numpy==2.4.6"
  "pyarrow==26.0.1"
)

if [[ "${FORCE:-0}" == "1" ]]; then rm -rf "$VENV"; fi
if [[ -f "$STAMP" ]]; then
  echo "[setup_ray] $VENV already set up ($(cat "$STAMP")); FORCE=1 to rebuild"
  exit 0
fi

t0=$(date +%s)
"$PY" -m venv "$VENV"
"$VENV/bin/python" -m pip --disable-pip-version-check install -q "${PKGS[@]}"
"$VENV/bin/python" - <<'PYEOF'
import ray, onnxruntime, tokenizers, pyarrow, numpy
print("[setup_ray] ray", ray.__version__, "| onnxruntime", onnxruntime.__version__, "| tokenizers", tokenizers.__version__,
      "| pyarrow", pyarrow.__version__, "| numpy", numpy.__version__)
PYEOF
t1=$(date +%s)
echo "done $(date -u +%FT%TZ) in $((t1 - t0))s, $(du -sh "$VENV" | cut -f1)" > "$STAMP"
echo "[setup_ray] installed in $((t1 - t0))s"
