"""synack over a directory of captures on Apache Spark: one Parquet dataset of connections.

The driver lists the capture files, Spark hands them to its executors (one task per file),
each task runs `synack flows FILE --format parquet -o STAGING/N.parquet`, and the driver reads
the staged tables back as one DataFrame, adds the `capture` column (the file each row came
from) and writes the dataset to OUTPUT (optionally partitioned by date and hour of `ts`).

    spark-submit contrib/spark/synack_flows.py captures/ flows/
    spark-submit --files /usr/local/bin/synack contrib/spark/synack_flows.py \
        --synack synack /shared/captures/ /shared/flows/ --partition hour
    python3 contrib/spark/synack_flows.py --master 'local[2]' captures/ flows/   # one machine

The capture files, STAGING (by default OUTPUT + "_staging") and OUTPUT must be paths every
executor and the driver see alike (one machine, or a shared file system such as NFS); the
`synack` binary must run on every executor: on its PATH, at the path given to --synack, or
shipped with `spark-submit --files /path/to/synack` and named by its file name.
Stream numbers in each row are those of its own file (`synack flows FILE`).
"""

import argparse
import os
import shutil
import stat
import subprocess
import sys

# The pcap, pcapng and gzip magic numbers: the files synack reads (the same test as
# `synack flows DIR`, so other files in the directory are skipped).
MAGICS = (
    b"\xd4\xc3\xb2\xa1", b"\xa1\xb2\xc3\xd4",  # pcap, µs
    b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d",  # pcap, ns
    b"\x0a\x0d\x0d\x0a",                       # pcapng
    b"\x1f\x8b",                               # gzip
)


def capture_files(paths):
    """The capture files named, and those directly inside the directories named, in name
    order, recognised by their first bytes."""
    found = []
    for path in paths:
        names = [path]
        if os.path.isdir(path):
            names = sorted(os.path.join(path, n) for n in os.listdir(path))
        for name in names:
            if not os.path.isfile(name):
                continue
            with open(name, "rb") as f:
                head = f.read(4)
            if any(head.startswith(m) for m in MAGICS):
                found.append(os.path.abspath(name))
    return found


def synack_binary(name):
    """The synack executable on an executor: a file shipped with --files, a path, or PATH."""
    try:
        from pyspark import SparkFiles

        shipped = SparkFiles.get(os.path.basename(name))
        if os.path.isfile(shipped):
            mode = os.stat(shipped).st_mode
            os.chmod(shipped, mode | stat.S_IXUSR)
            return shipped
    except Exception:  # not inside a Spark task, or nothing shipped
        pass
    return shutil.which(name) or name


def run_flows(synack, staging):
    """The task: `synack flows FILE --format parquet` for each (index, file) of a partition.
    Yields (index, file, staged table or None, exit status, stderr)."""

    def task(items):
        exe = synack_binary(synack)
        for index, capture in items:
            out = os.path.join(staging, f"{index:06d}.parquet")
            run = subprocess.run(
                [exe, "flows", capture, "--format", "parquet", "-o", out],
                capture_output=True,
                text=True,
            )
            # Exit status 1: a damaged capture, whose table still holds what was read.
            ok = run.returncode in (0, 1) and os.path.isfile(out)
            yield (index, capture, out if ok else None, run.returncode, run.stderr.strip())

    return task


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("inputs", nargs="+", metavar="CAPTURES", help="capture files or directories")
    ap.add_argument("output", metavar="OUTPUT", help="the Parquet dataset to write (replaced)")
    ap.add_argument("--synack", default="synack", help="the synack executable (default: PATH)")
    ap.add_argument("--staging", help="where the tasks write (default: OUTPUT_staging)")
    ap.add_argument("--partition", choices=["hour"], help="partition the dataset by date/hour")
    ap.add_argument("--master", help="Spark master when run without spark-submit, e.g. local[2]")
    args = ap.parse_args(argv)

    from pyspark.sql import SparkSession, functions as F

    builder = SparkSession.builder.appName("synack-flows")
    if args.master:
        builder = builder.master(args.master)
    if (args.master or "").startswith("local"):
        # One machine: no web UI, no progress bars on the terminal.
        builder = builder.config("spark.ui.enabled", "false").config(
            "spark.ui.showConsoleProgress", "false"
        )
    spark = (
        builder.config("spark.sql.session.timeZone", "UTC")
        # Timestamps stay Parquet TIMESTAMP(MICROS, UTC), as synack writes them (not INT96).
        .config("spark.sql.parquet.outputTimestampType", "TIMESTAMP_MICROS")
        .getOrCreate()
    )
    files = capture_files(args.inputs)
    if not files:
        print(f"synack_flows: no capture files in {' '.join(args.inputs)}", file=sys.stderr)
        return 2
    staging = os.path.abspath(args.staging or args.output.rstrip("/") + "_staging")
    shutil.rmtree(staging, ignore_errors=True)
    os.makedirs(staging)

    sc = spark.sparkContext
    jobs = sc.parallelize(list(enumerate(files)), numSlices=len(files))
    results = jobs.mapPartitions(run_flows(args.synack, staging)).collect()
    failed = [r for r in results if r[2] is None]
    for _, capture, _, code, err in failed:
        print(f"synack_flows: {capture}: synack exited {code}: {err}", file=sys.stderr)
    staged = [(capture, out) for _, capture, out, _, _ in sorted(results) if out]
    if not staged:
        return 1

    # One DataFrame of every staged table, each row tagged with its capture file.
    by_table = spark.createDataFrame(
        [(os.path.basename(out), capture) for capture, out in staged],
        "table string, capture string",
    )
    flows = spark.read.parquet(*[out for _, out in staged]).withColumn(
        "table", F.regexp_extract(F.input_file_name(), r"([^/]+)$", 1)
    )
    flows = flows.join(F.broadcast(by_table), "table").drop("table")
    writer = flows.write.mode("overwrite")
    if args.partition == "hour":
        flows = flows.withColumn("date", F.date_format("ts", "yyyy-MM-dd")).withColumn(
            "hour", F.hour("ts")
        )
        writer = flows.write.mode("overwrite").partitionBy("date", "hour")
    writer.parquet(args.output)
    rows = spark.read.parquet(args.output).count()
    spark.stop()
    shutil.rmtree(staging, ignore_errors=True)
    print(
        f"synack_flows: {len(staged)} captures, {rows} connections -> {args.output}"
        + (f" ({len(failed)} captures failed)" if failed else ""),
        file=sys.stderr,
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
