"""Importing a company's client base: 100,000 clients and 150,000 contacts from .xlsx and
from .csv, against the naive path measured in the same run (a per-row ORM insert with a
per-row commit, as the popular CRMs import), a dry run against the import, and a bank
statement of 10,000 payments matched and posted.

    python bench/import_clients.py [--clients 100000] [--database postgresql+psycopg://…]

Each phase runs in a process of its own on a fresh database (SQLite in a temporary folder
unless --database names a PostgreSQL server, on which databases are created and dropped),
so that its peak memory (max RSS) is its own. Printed as JSON: rows, seconds, rows a
second, peak MB per phase, and the ratios.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CLIENT_HEADERS = ["Наименование", "ИНН", "Потребности", "Ключевой клиент", "Примечания"]
CONTACT_HEADERS = ["Клиент", "ФИО", "Должность", "Телефон", "E-mail", "Основной контакт"]
OURS = "40702810900000000001"


def tax_id(number: int) -> str:
    return f"77{number:08d}"


def client_rows(count: int):
    rng = random.Random(7)
    for number in range(count):
        yield [
            f"ООО «Клиент {number}»",
            tax_id(number),
            f"Поставки {rng.randint(1, 500)} т в месяц",
            "да" if number % 10 == 0 else "нет",
            "",
        ]


def contact_rows(clients: int, count: int):
    for number in range(count):
        client = number % clients
        yield [
            tax_id(client),
            f"Контакт {number}",
            "Закупщик",
            f"+7 900 {number // 10000:03d}-{number % 10000:04d}",
            f"c{number}@client{client}.ru",
            "да" if number < clients else "нет",
        ]


def write_xlsx(path: Path, headers, rows) -> None:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("Data")
    sheet.write_row(0, 0, headers)
    for index, row in enumerate(rows, start=1):
        sheet.write_row(index, 0, row)
    book.close()


def write_csv(path: Path, headers, rows) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(headers)
        writer.writerows(rows)


def statement(invoices: int) -> bytes:
    lines = ["1CClientBankExchange", "ВерсияФормата=1.03", "Кодировка=Windows"]
    lines += [f"РасчСчет={OURS}"]
    for number in range(invoices):
        lines += [
            "СекцияДокумент=Платежное поручение",
            f"Номер={number + 1}",
            "Дата=05.03.2026",
            "Сумма=1000.00",
            f"ПлательщикСчет=40702810{number:012d}",
            f"Плательщик=ООО Клиент {number}",
            f"ПлательщикИНН={tax_id(number)}",
            f"ПолучательСчет={OURS}",
            f"НазначениеПлатежа=Оплата по счету № B-{number} от 01.03.2026",
            "ДатаПоступило=06.03.2026",
            "КонецДокумента",
        ]
    return "\r\n".join(lines + ["КонецФайла"]).encode("cp1251")


# --- one phase, in a process of its own ---------------------------------------------------


def app_for(url: str, instance: Path):
    from app import create_app

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "bench-secret-key-long-enough-for-everything",
            "REDIS_EMBEDDED_DIR": str(instance / "redis"),
            "IMPORT_MAX_ROWS": 1_000_000,
            "IMPORT_MAX_MB": 200,
        }
    )
    app.instance_path = str(instance)
    return app


def phase(name: str, url: str, instance: Path, files: Path, rows: int) -> dict:
    """One phase: `naive`; `<clients|contacts>-<xlsx|csv>-<apply|dry>`; `statement`; or a
    `setup-…` step that loads what a measured phase needs, in a process of its own."""
    app = app_for(url, instance)
    with app.app_context():
        from app.extensions import db
        from app.imports import job
        from app.instance import initialise

        initialise()
        db.session.remove()
        baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        started = time.perf_counter()
        if name == "naive":
            done = naive(rows)
        elif name.startswith("setup-"):
            done = setup(job, files, name.removeprefix("setup-"))
        elif name == "statement":
            done = payments(job, files, rows)
        else:
            entity, suffix, dry = name.split("-")
            path = files / f"{entity}.{suffix}"
            _record, summary = job.start(
                entity.removesuffix("s"),
                path.read_bytes(),
                path.name,
                dry_run=dry == "dry",
                background=False,
            )
            assert not summary["errors"], summary["errors"][:3]
            done = summary["created"]
        seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "phase": name,
        "rows": done,
        "seconds": round(seconds, 2),
        "rows_per_second": round(done / seconds),
        "peak_mb": round(peak),
        "baseline_mb": round(baseline),
    }


def setup(job, files: Path, what: str) -> int:
    """Load, unmeasured, what a phase builds on: the clients, or the statement's invoices."""
    steps = {
        "clients": [("client", files / "clients.csv")],
        "invoices": [
            ("client", files / "statement_clients.csv"),
            ("invoice", files / "statement_invoices.csv"),
        ],
    }[what]
    done = 0
    for entity, path in steps:
        _record, summary = job.start(
            entity, path.read_bytes(), path.name, dry_run=False, background=False
        )
        assert not summary["errors"], summary["errors"][:3]
        done += summary["created"]
    return done


def naive(rows: int) -> int:
    """Per-row ORM insert and commit, through the same checks and audit trail."""
    from app.core.models import Client
    from app.extensions import db

    for number, row in enumerate(client_rows(rows)):
        db.session.add(Client(name=row[0], tax_id=tax_id(number), needs=row[2]))
        db.session.commit()
    return rows


def payments(job, files: Path, count: int) -> int:
    """The statement paying the invoices a setup step loaded."""
    _record, summary = job.load_statement((files / "statement.txt").read_bytes(), "statement.txt")
    assert summary["posted"] == count, summary
    return count


# --- the run ------------------------------------------------------------------------------


def fresh_database(base: str | None, folder: Path, name: str) -> str:
    if not base:
        return f"sqlite:///{folder / (name + '.db')}"
    import sqlalchemy as sa

    url = sa.engine.make_url(base)
    engine = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "bench_{name}"'))
        connection.execute(sa.text(f'CREATE DATABASE "bench_{name}"'))
    engine.dispose()
    return url.set(database=f"bench_{name}").render_as_string(hide_password=False)


def run_phase(name: str, url: str, folder: Path, files: Path, rows: int) -> dict:
    instance = folder / f"instance-{name}"
    instance.mkdir(exist_ok=True)
    result = subprocess.run(
        [
            sys.executable,
            __file__,
            "--phase",
            name,
            "--url",
            url,
            "--instance",
            str(instance),
            "--files",
            str(files),
            "--rows",
            str(rows),
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        check=False,
    )
    if result.returncode:
        raise SystemExit(f"{name} failed:\n{result.stderr[-3000:]}")
    lines = [line for line in result.stderr.splitlines() if line.startswith('{"statement')]
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    if lines:
        answer |= json.loads(lines[-1])
    return answer


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=100_000)
    parser.add_argument("--contacts", type=int, default=None)
    parser.add_argument("--naive-rows", type=int, default=3_000)
    parser.add_argument("--payments", type=int, default=10_000)
    parser.add_argument("--database", default=os.environ.get("QMS_BENCH_DATABASE_URL"))
    parser.add_argument("--phase")
    parser.add_argument("--url")
    parser.add_argument("--instance")
    parser.add_argument("--files")
    parser.add_argument("--rows", type=int)
    arguments = parser.parse_args()
    if arguments.phase:
        result = phase(
            arguments.phase,
            arguments.url,
            Path(arguments.instance),
            Path(arguments.files),
            arguments.rows,
        )
        print(json.dumps(result))
        return
    clients = arguments.clients
    contacts = arguments.contacts or clients * 3 // 2
    with tempfile.TemporaryDirectory(prefix="qms-bench-import-") as temporary:
        folder = Path(temporary)
        files = folder / "files"
        files.mkdir()
        for suffix, writer in (("xlsx", write_xlsx), ("csv", write_csv)):
            writer(files / f"clients.{suffix}", CLIENT_HEADERS, client_rows(clients))
            writer(files / f"contacts.{suffix}", CONTACT_HEADERS, contact_rows(clients, contacts))
        count = arguments.payments
        write_csv(
            files / "statement_clients.csv",
            ["Name", "Tax ID"],
            ([f"Клиент {n}", tax_id(n)] for n in range(count)),
        )
        write_csv(
            files / "statement_invoices.csv",
            ["Number", "Client", "Issued on", "Amount", "Status"],
            ([f"B-{n}", tax_id(n), "01.03.2026", "1000.00", "on_approval"] for n in range(count)),
        )
        (files / "statement.txt").write_bytes(statement(count))
        results = []
        for name, rows, before in (
            ("naive", arguments.naive_rows, None),
            ("clients-xlsx-apply", clients, None),
            ("clients-xlsx-dry", clients, None),
            ("contacts-xlsx-apply", contacts, "setup-clients"),
            ("clients-csv-apply", clients, None),
            ("contacts-csv-apply", contacts, "setup-clients"),
            ("statement", count, "setup-invoices"),
        ):
            url = fresh_database(arguments.database, folder, name.replace("-", "_"))
            if before:
                run_phase(before, url, folder, files, rows)
            results.append(run_phase(name, url, folder, files, rows))
            print(json.dumps(results[-1]), file=sys.stderr)
        by_name = {each["phase"]: each for each in results}
        naive_rate = by_name["naive"]["rows_per_second"]

        def both(suffix: str) -> dict:
            first, second = by_name[f"clients-{suffix}-apply"], by_name[f"contacts-{suffix}-apply"]
            seconds = first["seconds"] + second["seconds"]
            rows = first["rows"] + second["rows"]
            return {
                "rows": rows,
                "seconds": round(seconds, 2),
                "rows_per_second": round(rows / seconds),
                "vs_naive": round(rows / seconds / naive_rate, 1),
                "peak_mb": max(first["peak_mb"], second["peak_mb"]),
            }

        summary = {
            "engine": "postgresql" if arguments.database else "sqlite",
            "clients": clients,
            "contacts": contacts,
            "phases": results,
            "xlsx": both("xlsx"),
            "csv": both("csv"),
            "dry_run_vs_import": round(
                by_name["clients-xlsx-dry"]["seconds"] / by_name["clients-xlsx-apply"]["seconds"], 2
            ),
        }
        print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
