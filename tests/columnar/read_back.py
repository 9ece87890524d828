"""Reads synack's Parquet output back with DuckDB and prints it as JSON Lines.

Usage: python3 read_back.py PATH [--hive] [--order COLUMNS]
PATH is a Parquet file or a glob over a dataset; --hive reads the date/hour partition
columns from the directory names. Rows come out ordered by COLUMNS (default: proto, stream)
with every column, timestamps (every TIMESTAMP column) as microseconds since the epoch (so the caller compares exact
values).
"""
import argparse
import json

import duckdb

ap = argparse.ArgumentParser()
ap.add_argument("path")
ap.add_argument("--hive", action="store_true")
ap.add_argument("--order", default="proto, stream")
args = ap.parse_args()
con = duckdb.connect()
source = f"read_parquet('{args.path}', hive_partitioning = {str(args.hive).lower()})"
times = [
    name
    for name, kind, *_ in con.sql(f"DESCRIBE SELECT * FROM {source}").fetchall()
    if kind.startswith("TIMESTAMP")
]
replace = ", ".join(f'epoch_us("{t}") AS "{t}"' for t in times)
rel = con.sql(
    f"SELECT * {f'REPLACE ({replace})' if times else ''} FROM {source} ORDER BY {args.order}"
)
names = rel.columns
for row in rel.fetchall():
    print(json.dumps(dict(zip(names, row)), default=str))
