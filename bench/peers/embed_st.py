"""Peer for the embedding benchmark: sentence-transformers (PyTorch, CPU) on the same texts and the
same weights, at a given batch size. Prints one JSON line: sentences/s, model load excluded."""
import json, sys, time, os
os.environ.setdefault("HF_HUB_OFFLINE", "1")
import torch
from sentence_transformers import SentenceTransformer

model_dir, texts_file, batch = sys.argv[1], sys.argv[2], int(sys.argv[3])
texts = json.load(open(texts_file, encoding="utf-8"))
model = SentenceTransformer(model_dir, device="cpu")
model.encode(texts[:64], batch_size=batch)  # warm-up, like our model load
t0 = time.perf_counter()
vecs = model.encode(texts, batch_size=batch, normalize_embeddings=True)
dt = time.perf_counter() - t0
print(json.dumps({"sentences": len(texts), "seconds": dt, "sentencesPerSecond": len(texts) / dt, "threads": torch.get_num_threads(), "dims": int(vecs.shape[1])}))
