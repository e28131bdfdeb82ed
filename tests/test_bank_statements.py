"""Bank statements, the payment feed: the 1C client-bank exchange file in either encoding,
incoming payments posted when they name their payer's invoice, the rest waiting to be
matched or dismissed, nothing posted twice, the watched folder, the doors and the scope."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
import sqlalchemy as sa
from conftest import api_client, login
from test_imports import count, csv_bytes

from app.core.actor import acting
from app.core.models import BankPayment, ImportJob, Invoice, Payment
from app.core.models.choices import BankPaymentStatus, InvoiceStatus
from app.core.services import bank_payment as service
from app.core.services.errors import DomainError
from app.extensions import db
from app.imports import job
from app.imports.bank_statement import invoice_numbers

OURS = "40702810900000000001"
THEIRS = "40702810500000000777"


def document(number, amount, purpose, tax_id="7701234567", to=OURS, key="ПлательщикИНН"):
    return {
        "Номер": str(number),
        "Дата": "05.03.2026",
        "Сумма": amount,
        "ПлательщикСчет": THEIRS,
        "Плательщик": f'ИНН {tax_id} ООО "Ромашка"',
        key: tax_id,
        "ПолучательСчет": to,
        "Получатель": "ООО Наша фирма",
        "НазначениеПлатежа": purpose,
        "ДатаПоступило": "06.03.2026",
    }


def statement(documents, encoding="cp1251") -> bytes:
    lines = [
        "1CClientBankExchange",
        "ВерсияФормата=1.03",
        f"Кодировка={'Windows' if encoding == 'cp1251' else 'DOS'}",
        "Отправитель=Бухгалтерия предприятия, редакция 3.0",
        "ДатаНачала=01.03.2026",
        "ДатаКонца=31.03.2026",
        f"РасчСчет={OURS}",
        "СекцияРасчСчет",
        "ДатаНачала=01.03.2026",
        f"РасчСчет={OURS}",
        "НачальныйОстаток=0.00",
        "КонецРасчСчет",
    ]
    for each in documents:
        lines.append("СекцияДокумент=Платежное поручение")
        lines += [f"{key}={value}" for key, value in each.items()]
        lines.append("КонецДокумента")
    lines.append("КонецФайла")
    return "\r\n".join(lines).encode(encoding)


@pytest.fixture
def invoices(ctx, users, make):
    """Two invoices on approval of the client with tax ID 7701234567 (sales_manager's)."""
    client = make.client(users["sales_manager"], name="Ромашка", tax_id="7701234567")
    return [make.invoice(client, "INV-1", amount="1234.50"), make.invoice(client, "77", "500.00")]


def loaded(data, user=None, dry_run=False):
    with acting(user):
        _record, summary = job.load_statement(data, "statement.txt", dry_run)
    db.session.expire_all()
    return summary


def test_invoice_numbers_are_read_from_the_purpose():
    """The ways accountants write an invoice number in a payment's purpose."""
    assert invoice_numbers("Оплата по счету № INV-1 от 01.03.2026, в т.ч. НДС") == ["INV-1"]
    assert invoice_numbers("Оплата по сч. N 45-А") == ["45-А"]
    assert invoice_numbers("оплата счёта №77.") == ["77"]
    assert invoice_numbers("Invoice #2026/15 payment") == ["2026/15"]
    assert invoice_numbers("Аванс по договору 12") == []


@pytest.mark.parametrize("encoding", ["cp1251", "cp866"])
def test_an_exact_match_is_posted_and_pays_the_invoice(invoices, encoding):
    """A payment naming its payer's invoice is posted through the payment service (the
    invoice is paid when covered); an outgoing payment is no income and is left out."""
    data = statement(
        [
            document(15, "1234.50", "Оплата по счету № INV-1 от 01.03.2026"),
            document(16, "999.00", "Оплата поставщику", to=THEIRS),
        ],
        encoding,
    )
    summary = loaded(data)
    assert (summary["incoming"], summary["posted"], summary["to_match"]) == (1, 1, 0)
    assert summary["applied"] and summary["errors"] == []
    paid = db.session.scalar(sa.select(Invoice).where(Invoice.number == "INV-1"))
    assert paid.status == InvoiceStatus.paid
    payment = db.session.scalars(sa.select(Payment)).one()
    assert payment.amount == Decimal("1234.50") and payment.reference == "15 / 05.03.2026"
    record = db.session.scalars(sa.select(BankPayment)).one()
    assert record.status == BankPaymentStatus.matched and record.payment_id == payment.id
    assert record.payer.startswith("ИНН 7701234567")


def test_the_same_statement_twice_posts_nothing_twice(invoices):
    """The key (number, date, amount, payer account) finds what was loaded before."""
    data = statement([document(15, "100.00", "Оплата по счету № 77")])
    assert loaded(data)["posted"] == 1
    again = loaded(data)
    assert (again["already_loaded"], again["posted"], again["to_match"]) == (1, 0, 0)
    assert count(Payment) == 1 and count(BankPayment) == 1


def test_what_does_not_match_exactly_waits(invoices):
    """Another payer's tax ID, no invoice number, an unknown number: each waits to be
    matched, and no payment is posted."""
    data = statement(
        [
            document(1, "10.00", "Оплата по счету № INV-1", tax_id="7709999999"),
            document(2, "10.00", "Предоплата"),
            document(3, "10.00", "Оплата по счету № NOPE-9"),
        ]
    )
    summary = loaded(data)
    assert (summary["posted"], summary["to_match"]) == (0, 3) and count(Payment) == 0
    statuses = set(db.session.scalars(sa.select(BankPayment.status)))
    assert statuses == {BankPaymentStatus.to_match}


def test_kazakhstan_names_the_tax_id_bin(app, invoices):
    """With the tax ID key configured as ПлательщикБИН (the default tries it too)."""
    data = statement([document(4, "500.00", "Оплата счета №77", key="ПлательщикБИН")])
    assert loaded(data)["posted"] == 1


def test_a_dry_run_writes_nothing(invoices):
    """A check counts what would be posted and leaves no payment."""
    summary = loaded(statement([document(15, "500.00", "счет № 77")]), dry_run=True)
    assert summary["posted"] == 1 and not summary["applied"] and count(BankPayment) == 0
    assert db.session.scalars(sa.select(ImportJob.dry_run)).one() is True


def test_a_bank_csv_export_is_read_by_its_headers(invoices):
    """A bank's CSV export, its columns named as the bank payment's fields (any language)."""
    rows = [
        ["Номер документа", "Дата документа", "Сумма", "ИНН плательщика", "Назначение платежа"],
        ["31", "07.03.2026", "500,00", "7701234567", "Оплата по счету 77"],
    ]
    with acting(None):
        _record, summary = job.load_statement(csv_bytes(rows), "bank.csv")
    assert summary["posted"] == 1, summary


def test_a_person_matches_or_dismisses_a_waiting_payment(invoices, users):
    """Matching posts the payment against the chosen invoice; dismissing needs a reason."""
    loaded(statement([document(1, "500.00", "Предоплата"), document(2, "5.00", "Ошибка")]))
    first, second = db.session.scalars(sa.select(BankPayment).order_by(BankPayment.id)).all()
    invoice = db.session.scalar(sa.select(Invoice).where(Invoice.number == "77"))
    with acting(users["sales_manager"]):
        service.match(first, invoice)
        db.session.commit()
        assert first.status == BankPaymentStatus.matched and first.matched_by_id
        assert db.session.get(Invoice, invoice.id).status == InvoiceStatus.paid
        with pytest.raises(DomainError, match="why"):
            service.dismiss(second, " ")
            db.session.flush()
        db.session.rollback()
        service.dismiss(second, "Paid to us by mistake; returned")
        db.session.commit()
    assert db.session.get(BankPayment, second.id).status == BankPaymentStatus.dismissed


def test_scope_of_waiting_payments(app, invoices, users):
    """A manager sees the waiting payments of their clients' payers; another manager does
    not; a head of sales sees those of payers who are no client."""
    loaded(
        statement(
            [document(1, "500.00", "Предоплата"), document(2, "7.00", "?", tax_id="7700000000")]
        )
    )
    mine = api_client(app, "sales_manager").get("/api/v1/bank_payment/").json
    assert [row["document_number"] for row in mine["result"]] == ["1"]
    assert api_client(app, "sales_manager_b").get("/api/v1/bank_payment/").json["count"] == 0
    head = api_client(app, "head_of_sales").get("/api/v1/bank_payment/").json
    assert "2" in [row["document_number"] for row in head["result"]]


def test_api_loads_matches_and_refuses_field_writes(app, branch, invoices, users):
    """POST …/import/ loads a statement; /match posts against an invoice; a bank payment is
    never created or edited field by field (405/404)."""
    client = api_client(app, "head_of_sales")
    data = {"file": (io.BytesIO(statement([document(9, "500.00", "аванс")])), "s.txt")}
    answer = client.post(
        "/api/v1/bank_payment/import/", data=data, content_type="multipart/form-data"
    )
    assert answer.status_code == 200 and answer.json["to_match"] == 1
    record = db.session.scalars(sa.select(BankPayment)).one()
    invoice = db.session.scalar(sa.select(Invoice).where(Invoice.number == "77"))
    matched = client.post(f"/api/v1/bank_payment/{record.id}/match", json={"invoice": invoice.id})
    assert matched.status_code == 200, matched.json
    assert client.post("/api/v1/bank_payment/", json={"amount": 1}).status_code in (404, 405)
    assert client.put(f"/api/v1/bank_payment/{record.id}", json={}).status_code in (404, 405)
    refused = api_client(app, "marketing").post(
        "/api/v1/bank_payment/import/",
        data={"file": (io.BytesIO(b"x"), "s.txt")},
        content_type="multipart/form-data",
    )
    assert refused.status_code == 403


def test_cli_and_screen_load_a_statement(app, invoices, tmp_path):
    """`qms import bank-statement FILE` and the upload screen both load it."""
    from app.imports.cli import import_command

    path = tmp_path / "kl_to_1c.txt"
    path.write_bytes(statement([document(15, "500.00", "Оплата по счету № 77")]))
    runner = app.test_cli_runner()
    result = runner.invoke(import_command, ["bank-statement", str(path)])
    assert result.exit_code == 0 and '"posted": 1' in result.output
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"not a statement")
    assert runner.invoke(import_command, ["bank-statement", str(bad)]).exit_code == 2
    browser = app.test_client()
    login(browser, "head_of_sales")
    assert b'id="import-file"' in browser.get("/bankpaymentview/list/").data
    other = statement([document(16, "1.00", "аванс")])
    answer = browser.post(
        "/bankpaymentview/import/",
        data={"file": (io.BytesIO(other), "s.txt")},
        content_type="multipart/form-data",
    )
    assert answer.status_code == 302 and count(BankPayment) == 2


def test_the_watched_folder_loads_each_file_once(app, invoices, tmp_path):
    """Files in QMS_BANK_STATEMENT_DIR are loaded by the scheduler's job and moved to
    loaded/ (or failed/, with the reason beside)."""
    from jobs.imports import load_watched_statements

    (tmp_path / "march.txt").write_bytes(statement([document(15, "500.00", "счет №77")]))
    (tmp_path / "junk.txt").write_bytes(b"junk")
    app.config["BANK_STATEMENT_DIR"] = str(tmp_path)
    try:
        result = load_watched_statements()
    finally:
        app.config["BANK_STATEMENT_DIR"] = None
    assert len(result["files"]) == 2 and count(Payment) == 1
    assert [p.name[16:] for p in (tmp_path / "loaded").iterdir()] == ["march.txt"]
    failed = sorted(p.name for p in (tmp_path / "failed").iterdir())
    assert failed[0].endswith("junk.txt") and failed[1].endswith(".errors.txt")
    assert not any(p.is_file() for p in tmp_path.iterdir())


def test_match_and_dismiss_refuse_a_body_that_is_no_object(app, invoices, users):
    """A list, a number or a wrong type in the body is a 400 with the reason, not an error."""
    loaded(statement([document(1, "500.00", "Предоплата")]))
    record = db.session.scalars(sa.select(BankPayment)).one()
    client = api_client(app, "admin")
    for operation, body in (("match", [1]), ("match", {"invoice": True}), ("dismiss", 5)):
        answer = client.post(f"/api/v1/bank_payment/{record.id}/{operation}", json=body)
        assert answer.status_code == 400, (operation, body, answer.json)
    answer = client.post(f"/api/v1/bank_payment/{record.id}/dismiss", json={"reason": 5})
    assert answer.status_code == 400
