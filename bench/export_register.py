"""The invoice register as Excel, on a seeded database (bench/seed_million.py): rows a
second and peak memory of qms-crm's streaming writer (header block, typed cells and
formats on), against pandas `read_sql` + `to_excel(engine="openpyxl")` over the same query
(the baseline) and the csv module over the same rows (the floor), in the same run.

    python bench/export_register.py --database-url URL [--rows 100000 1000000]

Each measurement runs in a fresh process of its own, so that its peak memory is its own.
Prints one JSON document.
"""

import argparse
import csv
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

WAYS = ("qms", "pandas_openpyxl", "csv")


def measure(way: str, database_url: str, rows: int) -> dict:
    """One export in this process: seconds, rows a second, peak memory, file size."""
    os.environ.setdefault("QMS_INSTANCE_DIR", "/tmp/qms-bench-instance")
    from app import create_app
    from app.extensions import db
    from exports.register import RegisterQuery, RegisterSpec, write_register
    from exports.service import exporting_as

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url})
    spec = RegisterSpec("invoice")
    target = Path(tempfile.mkdtemp()) / f"register.{'csv' if way == 'csv' else 'xlsx'}"
    with app.app_context(), exporting_as(None, "en"):
        started = time.perf_counter()
        if way == "qms":
            written, _ = write_register(spec, target, limit=rows)
        else:
            statement = RegisterQuery(spec).statement.limit(rows)
            with db.engine.connect() as connection:
                if way == "pandas_openpyxl":
                    import pandas

                    frame = pandas.read_sql(statement, connection)
                    frame.to_excel(target, engine="openpyxl", index=False)
                    written = len(frame)
                else:
                    result = connection.execution_options(
                        stream_results=True, yield_per=5000
                    ).execute(statement)
                    with target.open("w", newline="", encoding="utf-8") as handle:
                        writer = csv.writer(handle)
                        writer.writerow(result.keys())
                        written = 0
                        for row in result:
                            writer.writerow(row)
                            written += 1
        seconds = time.perf_counter() - started
    return {
        "way": way,
        "rows": written,
        "seconds": round(seconds, 2),
        "rows_per_second": round(written / seconds),
        "peak_memory_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "file_mb": round(target.stat().st_size / 2**20, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--ways", nargs="+", default=list(WAYS), choices=WAYS)
    parser.add_argument("--one", choices=WAYS, help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.one:
        print(json.dumps(measure(arguments.one, arguments.database_url, arguments.rows[0])))
        return
    report = {"database": arguments.database_url.split(":")[0], "runs": []}
    for rows in arguments.rows:
        figures = {}
        for way in arguments.ways:
            output = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--database-url",
                    arguments.database_url,
                    "--rows",
                    str(rows),
                    "--one",
                    way,
                ],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            figures[way] = json.loads(output.strip().splitlines()[-1])
        if "pandas_openpyxl" in figures and "qms" in figures:
            figures["speedup_over_pandas"] = round(
                figures["pandas_openpyxl"]["seconds"] / figures["qms"]["seconds"], 2
            )
        if "csv" in figures and "qms" in figures:
            figures["times_the_csv_floor"] = round(
                figures["qms"]["seconds"] / figures["csv"]["seconds"], 2
            )
        report["runs"].append({"rows": rows, **figures})
        print(json.dumps(report["runs"][-1]), file=sys.stderr)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
