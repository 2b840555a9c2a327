#!/usr/bin/env bash
# A real OpenAI-compatible embedding server for the remote-model tests: Infinity (infinity-emb 0.0.78,
# michaelfeil/infinity, MIT), serving the all-MiniLM-L6-v2 folder the tests build, on loopback.
#
#   scripts/models/setup_infinity.sh          # idempotent; FORCE=1 rebuilds
#
# Why Infinity: it is one of the servers our users run (with TEI, vLLM and Ollama) and the one on PyPI
# that serves a sentence-transformers folder offline. Lighter alternatives were weighed: llama.cpp's
# server needs a GGUF conversion; open-text-embeddings is unmaintained since 2024 and drags langchain.
#
# Its own venv, because it pins numpy < 2, sentence-transformers < 4 and calls tokenizer APIs that
# transformers 5 removed. It does NOT install a second torch (PyPI's is the 3 GB CUDA build): torch and
# its runtime packages are linked in from the main test venv (setup_venv.sh), through a .pth file
# that names only those, so nothing else of the main venv (numpy 2, transformers 5, datasets) leaks in.
# Cost here: ~40 s and ~250 MB on a clean machine.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
MAIN_VENV="${EMBEDMAP_VENV:-$HOME/.cache/embedmap-venv}"
VENV="${EMBEDMAP_INFINITY_VENV:-$HOME/.cache/embedmap-infinity-venv}"
PY="${PYTHON:-python3}"
STAMP="$VENV/.embedmap-infinity-v1"

PKGS=(
  "infinity-emb[server]==0.0.78"
  "transformers==4.57.1"
  "tokenizers==0.22.1"
  "huggingface_hub==0.36.0"
  "numpy==1.26.4"
  "scipy==1.15.3"
  "scikit-learn==1.7.2"
  "pillow==12.0.0"
)
# Installed without deps: its only other hard dependency is torch, which comes from the main venv.
NODEPS=("sentence-transformers==3.4.1")
# What `import torch` needs from the main venv.
TORCH_PARTS=(torch torchgen functorch triton nvidia cuda sympy mpmath networkx jinja2 markupsafe fsspec filelock typing_extensions.py)

if [[ "${FORCE:-0}" == "1" ]]; then rm -rf "$VENV"; fi
if [[ -f "$STAMP" ]]; then
  echo "[setup_infinity] $VENV already set up ($(cat "$STAMP")); FORCE=1 to rebuild"
  exit 0
fi
if [[ ! -d "$MAIN_VENV/lib" ]]; then
  echo "[setup_infinity] the main test venv $MAIN_VENV is missing: run scripts/models/setup_venv.sh first" >&2
  exit 1
fi

t0=$(date +%s)
"$PY" -m venv "$VENV"
PIP=("$VENV/bin/python" -m pip --disable-pip-version-check --no-cache-dir)
"${PIP[@]}" install -q "${PKGS[@]}"
"${PIP[@]}" install -q --no-deps "${NODEPS[@]}"

main_sp="$("$MAIN_VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
own_sp="$("$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
links="$VENV/torch-from-main-venv"
mkdir -p "$links"
for part in "${TORCH_PARTS[@]}"; do
  if [[ -e "$main_sp/$part" && ! -e "$own_sp/$part" ]]; then ln -sfn "$main_sp/$part" "$links/$part"; fi
done
# Their metadata too: transformers asks importlib.metadata whether torch is installed.
for dist in "$main_sp"/{torch,triton,nvidia_*,cuda_*,sympy,mpmath,networkx,jinja2,markupsafe,fsspec,filelock,typing_extensions}-*.dist-info; do
  name="$(basename "$dist")"
  if [[ -e "$dist" && -z "$(compgen -G "$own_sp/${name%%-*}-*.dist-info")" ]]; then ln -sfn "$dist" "$links/$name"; fi
done
# Appended after the venv's own site-packages, so its pins win over anything linked.
echo "$links" > "$own_sp/zz-torch-from-main-venv.pth"

HF_HUB_OFFLINE=1 "$VENV/bin/python" - <<'EOF'
import importlib.metadata as md
import torch, numpy, transformers, sentence_transformers, infinity_emb  # noqa: F401
print("[setup_infinity] infinity-emb", md.version("infinity-emb"), "| torch", torch.__version__,
      "| transformers", transformers.__version__, "| sentence-transformers", sentence_transformers.__version__,
      "| numpy", numpy.__version__)
EOF
t1=$(date +%s)
echo "done $(date -u +%FT%TZ) in $((t1 - t0))s, $(du -sh "$VENV" | cut -f1)" > "$STAMP"
echo "[setup_infinity] installed in $((t1 - t0))s"
