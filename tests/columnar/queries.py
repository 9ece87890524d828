"""Runs the README's DuckDB queries (contrib/duckdb/health.sql) over a Parquet dataset and
prints each result row as a JSON line: {"query": N, "row": {...}} (N from 0, in file order).

Usage: python3 queries.py GLOB SQLFILE
"""
import json
import sys

import duckdb

glob, sql_file = sys.argv[1], sys.argv[2]
con = duckdb.connect()
con.sql(f"CREATE VIEW flows AS SELECT * FROM read_parquet('{glob}')")
text = open(sql_file, encoding="utf-8").read()
code = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("--"))
queries = [q.strip() for q in code.split(";") if q.strip()]
for n, query in enumerate(queries):
    rel = con.sql(query)
    for row in rel.fetchall():
        print(json.dumps({"query": n, "row": dict(zip(rel.columns, row))}, default=str))
