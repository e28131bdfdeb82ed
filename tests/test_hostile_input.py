"""Hostile input gets a 4xx that says what is wrong, and nothing is written: the cases an
attacker and a fuzzer found as 500s or as silently stored or changed values."""

import logging
from datetime import datetime

import pytest
import sqlalchemy as sa
from conftest import api_client, login
from marshmallow_sqlalchemy.fields import Related

from app.core import models
from app.extensions import db
from app.web.api import APIS

HUGE = 10**30


def _links(app, api) -> list[str]:
    """The link fields a POST to the resource takes."""
    instance = next(view for view in app.appbuilder.baseviews if type(view) is api)
    schema = instance.add_model_schema
    return [name for name, field in schema.fields.items() if isinstance(field, Related)]


def _counts() -> dict:
    db.session.expire_all()
    return {
        table.name: db.session.execute(sa.select(sa.func.count()).select_from(table)).scalar()
        for table in db.metadata.sorted_tables
        if table.name in {api.datamodel.obj.__tablename__ for api in APIS}
    }


WRITTEN_BY_FIELDS = [
    a
    for a in APIS
    if not a.base_permissions and "post" in (getattr(a, "include_route_methods", None) or {"post"})
]


@pytest.mark.parametrize("api", WRITTEN_BY_FIELDS, ids=lambda a: a.resource_name)
def test_links_to_impossible_records_are_422_on_every_resource(app, ctx, api):
    """A link given as 10**30, as an object or as text is refused per field (422); the
    record is not written and no linked record is invented."""
    links = _links(app, api)
    client, before = api_client(app, "admin"), _counts()
    for link in links:
        for value in (HUGE, {}, [1], "abc", True, 999_999):
            answer = client.post(f"/api/v1/{api.resource_name}/", json={link: value})
            assert answer.status_code in (400, 422), (link, value, answer.status_code)
            assert link in answer.json["message"] or answer.status_code == 400, answer.json
    assert _counts() == before


@pytest.mark.parametrize("api", APIS, ids=lambda a: a.resource_name)
@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
def test_an_id_beyond_any_record_is_404(app, ctx, api, method):
    """An id of 10**26 or -1 in the URL is no record: 404 (or 403 where nobody may write)."""
    client = api_client(app, "admin")
    for pk in (10**26, -1, "1e5"):
        answer = client.open(f"/api/v1/{api.resource_name}/{pk}", method=method, json={})
        assert answer.status_code in (403, 404, 405), (pk, answer.status_code)


@pytest.mark.parametrize(
    "query, words",
    [
        ("(" * 1000 + ")" * 1000, "nested too deeply"),
        ("(filters:!(" + ",".join(["(col:name,opr:sw,value:a)"] * 2000) + "))", "too large"),
        ("(filters:!(" + ",".join(["(col:name,opr:sw,value:a)"] * 60) + "))", "filters"),
        ("3.7e16", "must be an object"),
        ("!(1,2)", "must be an object"),
    ],
)
@pytest.mark.parametrize("endpoint", ["/api/v1/client/", "/api/v1/invoice/_info"])
def test_list_queries_beyond_the_limits_are_400(app, ctx, query, words, endpoint):
    """A `q` nested 1,000 deep, with 2,000 filters, or not an object is a 400 saying so."""
    answer = api_client(app, "admin").get(endpoint, query_string={"q": query})
    assert answer.status_code == 400 and words in answer.json["message"]


def test_screen_search_with_thousands_of_filters_is_400(app, ctx):
    """A list screen's URL with 2,000 filters is refused, not sent to the database."""
    browser = app.test_client()
    login(browser, "admin")
    args = "&".join(f"_flt_0_name=a{n}" for n in range(2000))
    assert browser.get(f"/clientview/list/?{args}").status_code == 400


def test_a_body_nested_ten_thousand_deep_is_400(app, ctx):
    """10,000 nested arrays are not JSON we read: 400 with a plain message."""
    answer = api_client(app, "admin").post(
        "/api/v1/client/", data="[" * 10_000 + "]" * 10_000, content_type="application/json"
    )
    assert answer.status_code == 400
    assert answer.json["message"] == "The body is not valid JSON."


def test_a_body_over_the_size_limit_is_413(app, ctx):
    """A body larger than QMS_MAX_REQUEST_MB is refused before it is read."""
    limit = app.config["MAX_CONTENT_LENGTH"]
    answer = api_client(app, "admin").post(
        "/api/v1/client/", data=b"x" * (limit + 1), content_type="application/json"
    )
    assert answer.status_code == 413 and "too large" in answer.json["message"]


@pytest.mark.parametrize(
    "fields, field, words",
    [
        ({"name": "a\x00b"}, "name", "control character"),
        ({"name": "Esc\x1b[31m"}, "name", "control character"),
        ({"name": "Line\nbreak"}, "name", "control character"),
        ({"name": "\u200b\u200c\u2060"}, "name", "required"),
        ({"name": "   "}, "name", "required"),
        ({"name": "abc\u202egpj.exe"}, "name", "reading direction"),
        ({"name": "x" * 256}, "name", "255"),
        ({"name": "Notes", "notes": "n" * 20_001}, "notes", "20000"),
        ({"name": "Lone \ud800 surrogate"}, "name", "not valid text"),
    ],
)
def test_text_that_cannot_be_stored_is_refused(app, ctx, fields, field, words):
    """Control characters (a NUL or ESC in a name broke printing), invisible-only names,
    direction overrides, lone surrogates and overlong text are refused per field."""
    before = _counts()
    answer = api_client(app, "admin").post("/api/v1/client/", json=fields)
    assert answer.status_code == 422, answer.json
    assert words in " ".join(answer.json["message"][field])
    assert _counts() == before


def test_a_ten_megabyte_summary_is_refused_and_line_breaks_are_kept(app, make, users):
    """A 10 MB interaction summary is refused (its audit row could never be trimmed); a
    multi-line summary with tabs is fine."""
    client = make.client(users["sales_manager"])
    api = api_client(app, "sales_manager")
    huge = api.post("/api/v1/interaction/", json={"client": client.id, "summary": "s" * 10_000_000})
    assert huge.status_code in (413, 422)
    fine = api.post(
        "/api/v1/interaction/", json={"client": client.id, "summary": "Called.\n\tAgreed terms."}
    )
    assert fine.status_code == 201, fine.json


def _invoice(client_id, **fields):
    return {
        "number": fields.pop("number", "H-1"),
        "client": client_id,
        "issued_on": "2026-11-02",
        "amount": "10.00",
        "currency": "RUB",
        **fields,
    }


@pytest.mark.parametrize(
    "fields, field, words",
    [
        ({"amount": "1.123456789"}, "amount", "2 digits"),
        ({"amount": "1e400"}, "amount", ""),
        ({"amount": "0"}, "amount", "greater than 0"),
        ({"amount": "-5"}, "amount", "greater than 0"),
        ({"cost": "-1"}, "cost", "less than 0"),
        ({"number": "x" * 51}, "number", "At most 50 characters"),
        ({"amount": "123456789012345"}, "amount", "too large"),
        ({"issued_on": "0001-01-01"}, "issued_on", "1990-01-01"),
        ({"issued_on": "9999-12-31"}, "issued_on", "2100-12-31"),
        ({"issued_on": "2099-01-01"}, "issued_on", "future"),
        ({"issued_on": "2026-01-01" + "0" * 5000}, "issued_on", "Not a valid date"),
    ],
)
def test_numbers_and_dates_out_of_range_are_refused(app, make, users, fields, field, words):
    """Excess precision is refused (not rounded), amounts have their minimum, dates their
    plausible range, and a fact (an invoice issued) is not in the future."""
    client = make.client(users["sales_manager"])
    answer = api_client(app, "sales_manager").post(
        "/api/v1/invoice/", json=_invoice(client.id, **fields)
    )
    assert answer.status_code in (400, 422), answer.json
    assert field in answer.json["message"] and words in " ".join(answer.json["message"][field])
    assert db.session.execute(sa.select(sa.func.count()).select_from(models.Invoice)).scalar() == 0


@pytest.mark.parametrize(
    "received_at, field_error",
    [
        ("0001-01-01T10:00:00", True),
        ("9999-01-01T10:00:00", True),
        ("2026-11-30T10:00:00+13:02", False),
    ],
)
def test_inquiry_times(app, ctx, received_at, field_error):
    """A request received in year 1 or 9999 is refused; an offset (+13:02) is converted to
    the business time zone (Moscow, +03:00), never dropped."""
    answer = api_client(app, "customer_service").post(
        "/api/v1/inquiry/",
        json={"contact_name": "Caller", "subject": "Price", "received_at": received_at},
    )
    if field_error:
        assert answer.status_code == 422 and "received_at" in answer.json["message"]
        return
    assert answer.status_code == 201, answer.json
    stored = db.session.get(models.Inquiry, answer.json["id"])
    assert stored.received_at == datetime(2026, 11, 29, 23, 58)


def test_complaint_received_in_the_future_is_refused(app, make, users):
    """A complaint is a fact: received in 9999 or next year is a 422 on received_at."""
    client = make.client(users["sales_manager"])
    for when in ("9999-01-01T10:00:00", "2099-01-01T10:00:00"):
        answer = api_client(app, "customer_service").post(
            "/api/v1/complaint/",
            json={"client": client.id, "description": "Broken", "received_at": when},
        )
        assert answer.status_code == 422 and "received_at" in answer.json["message"], answer.json


@pytest.mark.parametrize(
    "method, path",
    [
        ("GET", "/clientview/download/qms.db"),
        ("GET", "/clientview/show/100000000000000000000000000"),
        ("GET", "/clientview/edit/-1"),
        ("POST", "/clientview/delete/100000000000000000000000000"),
        ("POST", "/clientview/action/no_such_action/1"),
    ],
)
def test_screens_answer_404_to_hostile_urls(app, ctx, method, path):
    """A download of a server file, an id of 10**26 or -1, an unknown action: 404, not 500."""
    browser = app.test_client()
    login(browser, "admin")
    assert browser.open(path, method=method).status_code == 404


def test_unknown_and_foreign_bulk_actions_change_nothing(app, make, users, branch):
    """action_post with an action the screen does not have (delete on the audit trail) is
    404; approve on records outside the user's scope leaves them as they were."""
    admin = app.test_client()
    login(admin, "admin")
    assert admin.post("/auditlogview/action_post", data={"action": "delete"}).status_code == 404
    other = make.client(users["sales_manager_b"], name="Not the head's")
    head = app.test_client()
    login(head, "head_of_sales")
    head.post(
        "/clientview/action_post",
        data={"action": "approve", "rowid": [str(other.id), "99999999999999999999"]},
    )
    db.session.expire_all()
    assert db.session.get(models.Client, other.id).approved_at is None


def test_report_period_out_of_range_is_a_message(app, ctx):
    """The audit pack for 0001-01-01 to 9999-12-31 explains the allowed dates."""
    browser = app.test_client()
    login(browser, "admin")
    page = browser.get("/auditpack/?from=0001-01-01&to=9999-12-31", follow_redirects=True)
    assert page.status_code == 200 and "1990-01-01" in page.get_data(as_text=True)


def test_a_server_error_is_logged_with_the_request_id_the_answer_gives(
    app, make, users, branch, monkeypatch, caplog
):
    """An unexpected error answers 500 with a reference (the request id) and no detail,
    and the log has a line with the same id and the traceback."""
    from app.core.services import client as client_service

    def broken(*args, **kwargs):
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(client_service, "approve", broken)
    record = make.client(users["sales_manager"])
    caplog.set_level(logging.ERROR)
    answer = api_client(app, "head_of_sales").post(
        f"/api/v1/client/{record.id}/approve", headers={"X-Request-ID": "fault-test-0001"}
    )
    assert answer.status_code == 500 and answer.json["request_id"] == "fault-test-0001"
    assert "secret" not in str(answer.json) and "fault-test-0001" in answer.json["message"]
    logged = [r for r in caplog.records if "fault-test-0001" in r.getMessage()]
    assert logged and logged[0].exc_info and "secret internal detail" in str(logged[0].exc_info[1])


@pytest.mark.parametrize(
    "language, control, length",
    [
        ("ru", "управляющий символ", "Не более 20 символов."),
        ("zh", "控制字符", "最多 20 个字符。"),
        ("en", "control character", "At most 20 characters."),
    ],
)
def test_the_refusals_speak_the_callers_language(app, ctx, language, control, length):
    """The per-field reasons, the service's and the schema's, come in the caller's language
    (`?_l_=`), like every message."""
    api, path = api_client(app, "admin"), f"/api/v1/client/?_l_={language}"
    answer = api.post(path, json={"name": "Bell\x07"})
    assert answer.status_code == 422 and control in answer.json["message"]["name"][0]
    answer = api.post(path, json={"name": "Fine", "tax_id": "7" * 21})
    assert answer.status_code == 422 and answer.json["message"]["tax_id"] == [length]


@pytest.mark.parametrize("multiline", [False, True])
def test_the_specs_text_pattern_says_what_the_check_refuses(multiline):
    """The pattern the OpenAPI spec states for text accepts a character exactly when the
    value check does (every character of the first planes but surrogates)."""
    import re

    from app.core.services.values import TEXT_PATTERN, text_problem

    pattern = re.compile(TEXT_PATTERN[multiline])
    for code in [*range(0x3000), *range(0xE000, 0x10000)]:
        char = chr(code)
        assert bool(pattern.fullmatch(char)) == (text_problem(char, multiline) is None), hex(code)
