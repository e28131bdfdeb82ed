"""Bank statements, the payment feed: the accounting system's client-bank exchange file
(`1CClientBankExchange`: `key=value` lines, `СекцияДокумент=…` … `КонецДокумента`
sections, in Windows-1251 or CP866 as its `Кодировка` says) or a bank's CSV export.

The incoming payments are the documents whose recipient account is the statement's own
(the header's `РасчСчет` or a `СекцияРасчСчет`). Each is loaded once (document number,
date, amount and payer account). One that names an invoice in its purpose ("Оплата по
счету № 123 от 01.03.2026") whose client has the payer's tax ID is posted through the
payment service; every other waits on Sales -> Bank payments to match. All in one
transaction, the payments validated by the guard and written set-based."""

from __future__ import annotations

import re
import time
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _
from sqlalchemy.orm import selectinload

from app.core.models import BankPayment, Client, Invoice
from app.core.models.choices import InvoiceStatus
from app.core.services import bank_payment as service
from app.core.services import batch, bulk, guard
from app.core.services.bulk import among, chunks
from app.core.visible import within_scope
from app.extensions import db
from app.imports import values
from app.imports.columns import ImportField, match_headers
from app.imports.files import Limits, UnreadableFile, read_table
from app.imports.service import all_or_nothing

HEADER = "1CClientBankExchange"
CHUNK = 2000
# "счету № 123", "сч. N 45-А", "счет-фактуре №12/3", "invoice #77", "INV-2026-001".
INVOICE_NUMBER = re.compile(
    r"(?:сч[её]?т\w*(?:[-\s]фактур\w*)?|сч\.|invoice|inv\.?)\s*(?:№|N|#|No\.?|номер)?\s*"
    r"([A-Za-zА-Яа-я0-9][\w\-/.]*[\w])",
    re.IGNORECASE,
)
# The bank payment fields a CSV export's columns may fill, and the file keys of 1C.
FIELDS_1C = {
    "document_number": "Номер",
    "document_date": "Дата",
    "amount": "Сумма",
    "payer": "Плательщик",
    "payer_account": "ПлательщикСчет",
    "recipient_account": "ПолучательСчет",
    "purpose": "НазначениеПлатежа",
    "received_on": "ДатаПоступило",
}
CSV_FIELDS = (
    ImportField("document_number", "text", True),
    ImportField("document_date", "date", True),
    ImportField("amount", "decimal", True),
    ImportField("payer", "text", False),
    ImportField("payer_tax_id", "text", False),
    ImportField("payer_account", "text", False),
    ImportField("recipient_account", "text", False),
    ImportField("purpose", "text", False),
    ImportField("received_on", "date", False),
)


@dataclass
class Statement:
    """What a statement says: its own accounts and its payment documents."""

    accounts: set[str] = field(default_factory=set)
    documents: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Loaded:
    """What loading a statement did (or would do)."""

    documents: int = 0
    incoming: int = 0
    already_loaded: int = 0
    posted: int = 0
    to_match: int = 0
    errors: list[dict] = field(default_factory=list)
    seconds: float = 0.0
    dry_run: bool = False
    applied: bool = False

    def as_dict(self) -> dict:
        return asdict(self)


def tax_id_keys() -> tuple[str, ...]:
    """The keys that carry the payer's tax ID (ИНН in Russia; БИН or ИИН in Kazakhstan)."""
    return tuple(current_app.config["BANK_STATEMENT_TAX_ID_KEYS"])


def decode(data: bytes) -> str:
    """The text of a 1C exchange file in the encoding its `Кодировка` line names."""
    for encoding in ("utf_8", "cp1251", "cp866"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "Кодировка=" in text or (encoding == "utf_8" and HEADER in text and "=" in text):
            named = re.search(r"Кодировка=(\w+)", text)
            wanted = {"windows": "cp1251", "dos": "cp866"}.get(
                (named.group(1) if named else "").lower(), encoding
            )
            return text if wanted == encoding else data.decode(wanted)
    raise UnreadableFile(_("The statement's encoding is none of Windows-1251, CP866 or UTF-8."))


def parse_1c(text: str) -> Statement:
    """The accounts and documents of a 1C exchange file."""
    lines = [line.strip() for line in text.lstrip("\ufeff").splitlines()]
    if not lines or lines[0] != HEADER:
        raise UnreadableFile(_("This is not a client-bank exchange file (1CClientBankExchange)."))
    statement = Statement()
    section: dict[str, str] | None = None
    kind = None
    for line in lines[1:]:
        key, _equals, value = line.partition("=")
        if key == "СекцияДокумент":
            section, kind = {}, value
        elif key == "КонецДокумента" and section is not None:
            statement.documents.append(section | {"_kind": kind or ""})
            section = None
        elif key == "СекцияРасчСчет":
            section, kind = {}, "account"
        elif key == "КонецРасчСчет" and section is not None:
            if section.get("РасчСчет"):
                statement.accounts.add(section["РасчСчет"].strip())
            section = None
        elif section is not None:
            section[key] = value.strip()
        elif key == "РасчСчет" and value.strip():
            statement.accounts.add(value.strip())
    return statement


def read_statement(data: bytes, file_name: str, mapping: dict | None = None) -> list[dict]:
    """The incoming payments of a statement as bank payment values, each with its line."""
    if data.lstrip(b"\xef\xbb\xbf").startswith(HEADER.encode()):
        statement = parse_1c(decode(data))
        return [
            _from_1c(number, document)
            for number, document in enumerate(statement.documents, start=1)
            if document.get("ПолучательСчет", "").strip() in statement.accounts
        ]
    return _from_csv(data, file_name, mapping)


def _from_1c(number: int, document: dict) -> dict:
    found = {name: document.get(key, "").strip() for name, key in FIELDS_1C.items()}
    found["payer_tax_id"] = next(
        (document[key].strip() for key in tax_id_keys() if document.get(key, "").strip()), ""
    )
    return {"_row": number, **found}


def _from_csv(data: bytes, file_name: str, mapping: dict | None) -> list[dict]:
    table = read_table(data, file_name, Limits.of(current_app.config))
    matched, _unmatched = match_headers(CSV_FIELDS, table.headers, mapping)
    if not any(each and each.name == "amount" for each in matched):
        raise UnreadableFile(_("The bank export has no column for the amount; map its columns."))
    rows = []
    for number, cells in table.numbered():
        row: dict[str, Any] = {"_row": number}
        for each, cell in zip(matched, cells, strict=False):
            if each is not None:
                row[each.name] = "" if values.blank(cell) else cell
        rows.append(row)
    return rows


def _values(row: dict) -> dict:
    """A statement row as bank payment values; CellError names a wrong one."""
    return {
        "document_number": values.text(row.get("document_number") or ""),
        "document_date": values.date(row["document_date"]) if row.get("document_date") else None,
        "received_on": values.date(row["received_on"]) if row.get("received_on") else None,
        "amount": values.decimal(row["amount"]) if row.get("amount") not in (None, "") else None,
        "payer": values.text(row.get("payer") or "")[:255] or None,
        "payer_tax_id": values.text(row.get("payer_tax_id") or "")[:20] or None,
        "payer_account": values.text(row.get("payer_account") or "")[:34],
        "recipient_account": values.text(row.get("recipient_account") or "")[:34] or None,
        "purpose": values.text(row.get("purpose") or "") or None,
    }


def invoice_numbers(purpose: str | None) -> list[str]:
    """The invoice numbers a payment's purpose names."""
    return [found.rstrip(".") for found in INVOICE_NUMBER.findall(purpose or "")]


def load(rows: list[dict], file_name: str, dry_run: bool = False) -> Loaded:
    """Load a statement's payments (`read_statement`) as the acting user (or the system):
    all or nothing."""
    started = time.perf_counter()
    loaded = Loaded(dry_run=dry_run)
    loaded.incoming = loaded.documents = len(rows)
    session = db.session
    tag = f"statement:{file_name}"[:64]
    with all_or_nothing(session, tag, dry_run, lambda: bool(loaded.errors)) as outcome:
        records = _new_records(session, rows, loaded, file_name)
        for part in chunks(records, CHUNK):
            _post_chunk(session, part, loaded)
            bulk.collect_young()
    loaded.applied = outcome.applied
    loaded.seconds = round(time.perf_counter() - started, 3)
    return loaded


def _new_records(session, rows: list[dict], loaded: Loaded, file_name: str) -> list[BankPayment]:
    """The statement's payments not loaded before, as new records (set-based lookups)."""
    parsed = []
    for row in rows:
        try:
            found = _values(row)
        except values.CellError as error:
            loaded.errors.append({"row": row["_row"], "message": str(error)})
            continue
        if not found["document_number"] or found["document_date"] is None or not found["amount"]:
            loaded.errors.append(
                {
                    "row": row["_row"],
                    "message": str(_("A payment needs its number, date and amount.")),
                }
            )
            continue
        parsed.append(found)
    stored = _stored_keys(session, parsed)
    seen: set[tuple] = set()
    records = []
    for found in parsed:
        key = _key(
            found["document_number"],
            found["document_date"],
            found["amount"],
            found["payer_account"],
        )
        if key in stored or key in seen:
            loaded.already_loaded += 1
            continue
        seen.add(key)
        records.append(BankPayment(**found, statement=file_name[:255]))
    return records


def _key(number, day, amount, account) -> tuple:
    """What makes a payment the same one: its document's number, date, amount and payer
    account (the amount to the cent, whatever its written precision)."""
    return number, day, Decimal(amount).quantize(Decimal("0.01")), account or ""


def _stored_keys(session, parsed: list[dict]) -> set[tuple]:
    dates = sorted({found["document_date"] for found in parsed})
    stored: set[tuple] = set()
    for part in chunks(dates):
        rows = session.execute(
            sa.select(
                BankPayment.document_number,
                BankPayment.document_date,
                BankPayment.amount,
                BankPayment.payer_account,
            ).where(among(session, BankPayment.document_date, part))
        )
        stored.update(_key(*row) for row in rows)
    return stored


def _post_chunk(session, records: list[BankPayment], loaded: Loaded) -> None:
    """Find each payment's client by tax ID and invoice by number (one query each, the
    invoices among those the loader may see), post the exact matches, write every record."""
    tax_ids = sorted({r.payer_tax_id for r in records if r.payer_tax_id})
    clients: dict[str, int] = {}
    for part in chunks(tax_ids):
        statement = sa.select(Client.tax_id, Client.id).where(among(session, Client.tax_id, part))
        clients.update(session.execute(statement).tuples().all())
    numbers = sorted({n for r in records for n in invoice_numbers(r.purpose)})
    invoices: dict[str, Invoice] = {}
    for part in chunks(numbers):
        statement = (
            sa.select(Invoice)
            .where(among(session, Invoice.number, part))
            .options(selectinload(Invoice.client))  # paying an invoice may activate it
        )
        invoices.update(
            (invoice.number, invoice)
            for invoice in session.scalars(within_scope(statement, Invoice))
        )
    payments = []
    for record in records:
        record.client_id = clients.get(record.payer_tax_id)
        candidates = {
            invoices[number].id: invoices[number]
            for number in invoice_numbers(record.purpose)
            if number in invoices
            and record.client_id is not None
            and invoices[number].client_id == record.client_id
            and invoices[number].status == InvoiceStatus.on_approval
        }
        if len(candidates) == 1:
            payments.append(service.post(record, next(iter(candidates.values()))))
            record.matched_by_id = None  # matched by the feed, not by a person
            loaded.posted += 1
        else:
            loaded.to_match += 1
    refused = guard.validate(session, [*payments, *records])
    for record, error in refused.items():
        row = getattr(record, "document_number", None) or getattr(record, "reference", "")
        loaded.errors.append({"row": 0, "message": f"{row}: {error.text()}"})
    batch.create_all(session, [p for p in payments if p not in refused])
    batch.create_all(session, [r for r in records if r not in refused])
    session.flush()  # the invoices the payments paid
