"""Peer for `npm run bench -- import --parquet`: DuckDB loads the same Parquet file into a database file, as its
users do (CREATE TABLE … AS SELECT * FROM read_parquet), with its default thread count. Prints one JSON line."""
import json
import sys
import time

import duckdb

src, db = sys.argv[1], sys.argv[2]
t0 = time.perf_counter()
con = duckdb.connect(db)
con.execute("CREATE TABLE t AS SELECT * FROM read_parquet(?)", [src])
rows = con.execute("SELECT count(*) FROM t").fetchone()[0]
threads = con.execute("SELECT current_setting('threads')").fetchone()[0]
con.close()
print(json.dumps({"rows": rows, "seconds": time.perf_counter() - t0, "duckdb": duckdb.__version__, "threads": threads}))
