"""Peer for the import benchmark: Python's csv module + sqlite3 executemany, the baseline a data
person would script by hand. Same schema idea as EmbedMap (text + JSON cells), WAL, one transaction
per 5000 rows."""
import csv, json, platform, sqlite3, sys

src, db_path = sys.argv[1], sys.argv[2]
db = sqlite3.connect(db_path)
db.execute("PRAGMA journal_mode=WAL")
db.execute("PRAGMA synchronous=NORMAL")
db.execute("CREATE TABLE rows (idx INTEGER PRIMARY KEY, text TEXT NOT NULL, cells TEXT NOT NULL)")
with open(src, newline="", encoding="utf-8") as f:
    reader = csv.reader(f)
    header = next(reader)
    batch, n = [], 0
    for rec in reader:
        batch.append((n, rec[1], json.dumps(rec, ensure_ascii=False)))
        n += 1
        if len(batch) == 5000:
            db.executemany("INSERT INTO rows VALUES (?, ?, ?)", batch)
            db.commit()
            batch = []
    db.executemany("INSERT INTO rows VALUES (?, ?, ?)", batch)
    db.commit()
print(json.dumps({"rows": n, "python": platform.python_version(), "sqlite": sqlite3.sqlite_version}))
