#!/usr/bin/env python3
"""The reference of the intake figures: single-row commits per second into a fresh SQLite
database on the same disk, WAL and synchronous=NORMAL as the server opens it.
usage: sqlite_commits.py DIR [SECONDS]"""
import os, sqlite3, sys, time

d = sys.argv[1]
secs = float(sys.argv[2]) if len(sys.argv) > 2 else 3.0
path = os.path.join(d, "reference.sqlite3")
for suffix in ("", "-wal", "-shm"):
    if os.path.exists(path + suffix):
        os.remove(path + suffix)
db = sqlite3.connect(path, isolation_level=None)
db.execute("PRAGMA journal_mode=WAL")
db.execute("PRAGMA synchronous=NORMAL")
db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)")
n, start = 0, time.monotonic()
while time.monotonic() - start < secs:
    db.execute("BEGIN IMMEDIATE")
    db.execute("INSERT INTO t (v) VALUES (?)", ("x" * 200,))
    db.execute("COMMIT")
    n += 1
print(f"{n / (time.monotonic() - start):.0f}")
db.close()
for suffix in ("", "-wal", "-shm"):
    if os.path.exists(path + suffix):
        os.remove(path + suffix)
