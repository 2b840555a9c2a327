"""Writes the benchmark's Parquet source with pyarrow: id, text (4–11 words), category, and with --dims D a
float32 list column `vector` of unit vectors. Row groups of 100,000 rows (DuckDB writes ~122,880), ZSTD."""
import sys

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

out, rows, dims = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
WORDS = np.array("fast slow map text cluster river paper light stone green quiet model vector city music train".split())
rng = np.random.default_rng(42)
writer = None
GROUP = 100_000
for start in range(0, rows, GROUP):
    n = min(GROUP, rows - start)
    lens = rng.integers(4, 12, n)
    picks = WORDS[rng.integers(0, len(WORDS), (n, 11))]
    texts = [" ".join(picks[i, : lens[i]]) for i in range(n)]
    cols = {
        "id": pa.array(np.arange(start, start + n, dtype=np.int64)),
        "text": pa.array(texts),
        "category": pa.array([f"c{i % 12}" for i in range(start, start + n)]),
    }
    if dims > 0:
        v = rng.standard_normal((n, dims)).astype(np.float32)
        v /= np.linalg.norm(v, axis=1, keepdims=True)
        cols["vector"] = pa.FixedSizeListArray.from_arrays(pa.array(v.ravel()), dims).cast(pa.list_(pa.float32()))
    t = pa.table(cols)
    if writer is None:
        writer = pq.ParquetWriter(out, t.schema, compression="zstd")
    writer.write_table(t, row_group_size=GROUP)
writer.close()
