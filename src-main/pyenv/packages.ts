/**
 * The pinned package set of the managed fine-tune environment. The same versions as the test venv
 * (scripts/models/setup_venv.sh), so what CI trains with is what users get. accelerate 1.16 needs
 * Python ≥ 3.11; 3.10 gets 1.10.1, the newest that still supports it (both ≥ 1.3, sentence-transformers'
 * floor).
 */
export const FINETUNE_PACKAGES: readonly string[] = [
  'torch==2.15.0',
  'transformers==5.24.0',
  'sentence-transformers==6.2.0',
  'tokenizers==0.23.3',
  "accelerate==1.16.0; python_version >= '3.11'",
  "accelerate==1.10.1; python_version < '3.11'",
  'datasets==5.2.0',
  'safetensors==0.8.0',
  'onnx==1.23.1',
  'onnxruntime==1.30.0',
  'onnxscript==0.7.2',
  'numpy==2.4.6',
]

/** Python modules the worker imports: an environment without one of them cannot train or export. */
export const FINETUNE_MODULES: readonly string[] = ['torch', 'transformers', 'sentence_transformers', 'accelerate', 'datasets', 'onnx', 'onnxruntime']
