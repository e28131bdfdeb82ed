"""Create, read, update and delete, one generic test per writable entity of the registry
(NetBox style), by a role the role data allow to write it (Admin where no business role
may): through the screens' forms and through the API. Each entity declares here the values
of a valid new record and one field to change; denials per role and endpoint are
tests/test_permissions.py's, 404s out of row scope tests/test_entity_scope.py's.

A writable entity missing from SAMPLES fails the suite, so that every new one gets its
CRUD test."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from enum import Enum

import pytest
import sqlalchemy as sa
from conftest import api_client, empty_entity_tables, login
from flask_appbuilder import Model

from app.core.clock import business_now
from app.core.entities import ENTITIES
from app.core.models import (
    Branch,
    Campaign,
    Competitor,
    Complaint,
    Contact,
    Department,
    Industry,
    Invoice,
    Research,
    Source,
    Survey,
    SurveyQuestion,
    SurveyResponse,
    WorkingCalendar,
)
from app.core.permissions import WRITE
from app.core.roles import holders
from app.extensions import db
from app.web.views import screen_of

RULE = {
    "code": "crud-notify-1d",
    "name": "Tell the owner an invoice waits",
    "entity": "invoice",
    "trigger": {"kind": "after", "field": "issued_on", "offset": {"days": 1}},
    "conditions": [{"field": "has_payment", "op": "eq", "value": False}],
    "action": {"type": "notify", "assignee": "owner", "title": "Invoice {record} waits"},
}

# key: (values of a valid new record, given the ids in `ref`; the field an edit changes
# and its new value). Links are ids.
SAMPLES = {
    "client": (
        lambda ref: {"name": "Crud Ltd", "tax_id": "7707083893", "owner": ref["me"]},
        ("notes", "Called"),
    ),
    "contact": (
        lambda ref: {
            "client": ref["client"],
            "full_name": "Anna Petrova",
            "email": "anna@example.com",
        },
        ("position", "Buyer"),
    ),
    "interaction": (
        lambda ref: {
            "client": ref["client"],
            "occurred_at": datetime(2026, 11, 2, 10, 0),
            "channel": "phone",
            "kind": "contact",
            "summary": "Asked for prices",
            "interest": "unknown",
        },
        ("summary", "Asked for prices and terms"),
    ),
    "inquiry": (
        lambda ref: {
            "received_at": datetime(2026, 11, 2, 10, 0),
            "channel": "email",
            "contact_name": "Li Wei",
            "subject": "Delivery time",
        },
        ("subject", "Delivery time to Shanghai"),
    ),
    "invoice": (
        lambda ref: {
            "number": "CRUD-1",
            "client": ref["client"],
            "issued_on": date(2026, 11, 2),
            "amount": Decimal("1200.00"),
            "currency": "RUB",
            "status": "draft",
        },
        ("amount", Decimal("1300.00")),
    ),
    "payment": (
        lambda ref: {
            "invoice": ref["invoice"],
            "paid_on": date(2026, 11, 3),
            "amount": Decimal("100.00"),
        },
        ("reference", "PP-17"),
    ),
    "complaint": (
        lambda ref: {
            "client": ref["client"],
            "received_at": datetime(2026, 11, 2, 10, 0),
            "channel": "phone",
            "category": "delivery",
            "severity": "low",
            "description": "Late delivery",
        },
        ("description", "Late delivery, two days"),
    ),
    "corrective_action": (
        lambda ref: {
            "complaint": ref["complaint"],
            "description": "Check the carrier",
            "department": ref["department"],
            "responsible": ref["me"],
            "due_on": date(2026, 12, 1),
        },
        ("description", "Change the carrier"),
    ),
    "campaign": (
        lambda ref: {
            "name": "Crud campaign",
            "channel": "exhibition",
            "starts_on": date(2026, 11, 1),
            "ends_on": date(2026, 11, 3),
            "planned_budget": Decimal("1000.00"),
        },
        ("name", "Crud campaign, autumn"),
    ),
    "campaign_cost": (
        lambda ref: {
            "campaign": ref["campaign"],
            "spent_on": date(2026, 11, 2),
            "amount": Decimal("300.00"),
            "description": "Stand",
        },
        ("description", "Stand and travel"),
    ),
    "campaign_evaluation": (
        lambda ref: {
            "campaign": ref["ran_campaign"],
            "evaluated_on": date(2026, 11, 5),
            "participant_score": 4,
            "exposure_score": 3,
            "conversion_score": 2,
            "conclusions": "Good stand",
        },
        ("conclusions", "Good stand, slow follow-up"),
    ),
    "survey_invitation": (
        lambda ref: {
            "survey": ref["open_survey"],
            "contact": ref["contact"],
            "language": "ru",
            "valid_until": business_now().date() + timedelta(days=7),
        },
        ("language", "zh"),
    ),
    "research": (
        lambda ref: {
            "title": "Crud research",
            "objective": "Know the buyers of ship parts",
            "content": "Prices and suppliers they use",
            "method": "interviews",
            "starts_on": date(2026, 11, 1),
            "due_on": date(2026, 11, 30),
            "budget": Decimal("2000.00"),
        },
        ("content", "Prices, suppliers and delivery terms"),
    ),
    "competitor": (
        lambda ref: {"name": "Crud Rival", "website": "https://rival.example", "market_share": 12},
        ("strengths", "Low prices"),
    ),
    "research_competitor": (
        lambda ref: {"research": ref["research"], "competitor": ref["competitor"]},
        ("observation", "Cuts prices in spring"),
    ),
    "survey": (
        lambda ref: {
            "title": "Crud survey",
            "kind": "unplanned",
            "period_start": date(2026, 11, 1),
            "period_end": date(2026, 11, 30),
            "reason": "After a complaint",
            "scope": "all",
        },
        ("title", "Crud survey, November"),
    ),
    "survey_question": (
        lambda ref: {
            "survey": ref["open_survey"],
            "order": 9,
            "text": "Would you recommend us?",
            "answer_type": "yes_no",
        },
        ("text", "Would you recommend us to a friend?"),
    ),
    "survey_response": (
        lambda ref: {
            "survey": ref["open_survey"],
            "client": ref["client"],
            "answered_on": date(2026, 11, 3),
        },
        ("comment", "Fine"),
    ),
    "survey_answer": (
        lambda ref: {"response": ref["response"], "question": ref["question"], "scale_value": 4},
        ("scale_value", 5),
    ),
    "task": (
        lambda ref: {
            "title": "Call back",
            "client": ref["client"],
            "assignee": ref["me"],
            "due_at": datetime(2026, 12, 1, 10, 0),
        },
        ("title", "Call back about prices"),
    ),
    "branch": (lambda ref: {"name": "Kazan"}, ("name", "Kazan office")),
    "department": (lambda ref: {"name": "Logistics"}, ("name", "Logistics and storage")),
    "industry": (lambda ref: {"name": "Shipbuilding"}, ("name", "Ship building")),
    "source": (lambda ref: {"name": "Trade fair"}, ("name", "Trade fair 2026")),
    "segment": (lambda ref: {"name": "Export"}, ("name", "Export clients")),
    "loss_reason": (lambda ref: {"name": "Moved abroad"}, ("name", "Moved production abroad")),
    "sales_target": (
        lambda ref: {
            "month": date(2026, 12, 1),
            "branch": ref["branch"],
            "revenue_target": "300000.00",
            "new_clients_target": 4,
        },
        ("notes", "Agreed with the director"),
    ),
    "follow_up_rule": (
        lambda ref: {**RULE, "once_per": "record"},
        ("name", "Tell the owner an invoice still waits"),
    ),
    "working_calendar": (
        lambda ref: {
            "name": "Shanghai office",
            "work_days": "1,2,3,4,5",
            "day_starts": time(9, 0),
            "day_ends": time(18, 0),
        },
        ("name", "Shanghai office hours"),
    ),
    "calendar_day": (
        lambda ref: {"day": date(2026, 12, 31), "is_working": False, "description": "Eve"},
        ("description", "New Year's Eve"),
    ),
}
WRITABLE = [entity for entity in ENTITIES if entity.shown().add]
# There is one working calendar: a second is refused in words, and the one is edited.
SINGLE = {"working_calendar": "There is one working calendar: edit it instead."}


def _writer(entity) -> str:
    """A role the role data let write the entity, else Admin; as its test user's name."""
    roles = holders(entity.permission, WRITE)
    return (roles[0] if roles else "Admin").lower().replace(" ", "_")


def test_every_writable_entity_has_its_sample_here():
    """Each entity with an add form is covered by this module."""
    assert sorted(entity.key for entity in WRITABLE) == sorted(SAMPLES)


@pytest.fixture
def ref(make, users, branch):
    """The records a new one may link to, on a client of the sales manager; an approved
    campaign and one that ran."""
    me = users["sales_manager"]
    calendar_name = db.session.scalar(sa.select(WorkingCalendar.name))
    client = make.client(me, name="Linked Ltd")
    department = Department(name="Crud department")
    open_survey = Survey(
        title="Open survey",
        kind="planned",
        period_start=date(2026, 10, 1),
        period_end=date(2026, 12, 31),
        scope="all",
    )
    db.session.add_all([department, open_survey])
    db.session.flush()
    records = {
        "contact": Contact(client_id=client.id, full_name="Oleg Ivanov", email="oleg@example.com"),
        "invoice": Invoice(
            number="LINK-1",
            client_id=client.id,
            issued_on=date(2026, 11, 1),
            amount=Decimal("500.00"),
            currency="RUB",
            status="on_approval",
        ),
        "complaint": Complaint(
            client_id=client.id, received_at=datetime(2026, 11, 1, 9, 0), description="Broken box"
        ),
        "campaign": Campaign(
            name="Linked campaign",
            starts_on=date(2026, 10, 1),
            ends_on=date(2026, 10, 31),
            targets="Leads",
            responsible_id=users["marketing"].id,
        ),
        "research": Research(
            title="Linked research",
            objective="Why",
            content="What",
            starts_on=date(2026, 11, 1),
            due_on=date(2026, 11, 30),
        ),
        "competitor": Competitor(name="Linked rival"),
        "survey": Survey(
            title="Answered survey",
            kind="planned",
            period_start=date(2026, 10, 1),
            period_end=date(2026, 12, 31),
            scope="all",
        ),
    }
    db.session.add_all(records.values())
    db.session.flush()
    # A survey opens with its questions, and takes responses while open.
    question = SurveyQuestion(
        survey_id=records["survey"].id, order=1, text="How do we do?", answer_type="scale"
    )
    first = SurveyQuestion(survey_id=open_survey.id, order=1, text="Why?", answer_type="text")
    db.session.add_all([question, first])
    db.session.flush()
    records["survey"].status = open_survey.status = "open"
    records["campaign"].status = "approved"
    db.session.flush()
    # A campaign that ran, to be evaluated.
    ran = Campaign(
        name="Ran campaign",
        starts_on=date(2026, 10, 1),
        ends_on=date(2026, 10, 31),
        targets="Leads",
        responsible_id=users["marketing"].id,
    )
    db.session.add(ran)
    db.session.flush()
    for status in ("approved", "running", "done"):
        ran.status = status
        db.session.flush()
    response = SurveyResponse(
        survey_id=records["survey"].id, client_id=client.id, answered_on=date(2026, 10, 2)
    )
    db.session.add(response)
    db.session.commit()
    made = {name: record.id for name, record in records.items()}
    yield {
        **made,
        "client": client.id,
        "department": department.id,
        "open_survey": open_survey.id,
        "question": question.id,
        "response": response.id,
        "me": me.id,
        "ran_campaign": ran.id,
        # Headed by head_of_sales, who sets its targets.
        "branch": branch.id,
    }
    # Records first (they link to the reference lists), then what this module added to
    # the tables the suite does not empty after each test.
    empty_entity_tables()
    for model, column, values in (
        (Department, Department.name, ("Crud department", "Logistics", "Logistics and storage")),
        (Branch, Branch.name, ("Kazan", "Kazan office")),
        (Industry, Industry.name, ("Shipbuilding", "Ship building")),
        (Source, Source.name, ("Trade fair", "Trade fair 2026")),
    ):
        db.session.execute(sa.delete(model).where(column.in_(values)))
    db.session.execute(sa.text("DELETE FROM segment WHERE name IN ('Export', 'Export clients')"))
    db.session.execute(sa.text("DELETE FROM follow_up_rule WHERE code = 'crud-notify-1d'"))
    db.session.execute(
        sa.text("UPDATE working_calendar SET name = :name WHERE name LIKE 'Shanghai office%'"),
        {"name": calendar_name},
    )
    db.session.commit()


def _json(value):
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (date, datetime, time)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _form(value, blank: str = "") -> str | None:
    """A value as the form's box takes it (None: an unticked box, not sent; an empty
    value as `blank`, which is "__None" for a drop-down)."""
    if value is None:
        return blank
    if value is False:
        return None
    if value is True:
        return "y"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    return str(_json(value))


def _stored(entity, pk: int, field: str):
    db.session.expire_all()
    record = db.session.get(entity.model, pk)
    assert record is not None, f"{entity.key} {pk} is not stored"
    return _value(getattr(record, field))


@pytest.mark.parametrize("key", list(SAMPLES))
def test_the_api_creates_reads_updates_and_deletes(app, ref, key):
    """POST the sample, GET it, PUT one field with the version read, DELETE it."""
    entity = ENTITIES[key]
    values, (field, changed) = SAMPLES[key][0](ref), SAMPLES[key][1]
    api, base = api_client(app, _writer(entity)), f"/api/v1/{key}/"
    created = api.post(base, json={name: _json(value) for name, value in values.items()})
    if key in SINGLE:
        assert created.status_code == 422 and SINGLE[key] in str(created.json)
        pk = db.session.scalar(sa.select(entity.model.id))
    else:
        assert created.status_code == 201, created.json
        pk = created.json["id"]
    shown = api.get(f"{base}{pk}")
    assert shown.status_code == 200, shown.json
    version = shown.json["result"].get("version")
    update = {field: _json(changed)} | ({"version": version} if version is not None else {})
    updated = api.put(f"{base}{pk}", json=update)
    assert updated.status_code == 200, updated.json
    assert _stored(entity, pk, field) == changed
    if key in SINGLE:
        return
    assert api.delete(f"{base}{pk}").status_code == 200
    assert api.get(f"{base}{pk}").status_code == 404


@pytest.mark.parametrize("key", list(SAMPLES))
def test_the_screens_create_read_update_and_delete(app, ref, key):
    """The add form saves the sample and lands on its page; the edit form changes one
    field; delete removes it."""
    entity = ENTITIES[key]
    values, (field, changed) = SAMPLES[key][0](ref), SAMPLES[key][1]
    screen = screen_of(key).__name__.lower()
    browser = app.test_client()
    login(browser, _writer(entity))
    form = {name: _form(value) for name, value in values.items()}
    added = browser.post(f"/{screen}/add", data={k: v for k, v in form.items() if v is not None})
    if key in SINGLE:
        assert added.status_code == 200 and SINGLE[key] in added.get_data(as_text=True)
        pk = db.session.scalar(sa.select(entity.model.id))
    else:
        assert added.status_code == 302, added.get_data(as_text=True)[-3000:]
        assert f"/{screen}/show/" in added.location, added.location
        pk = int(added.location.rsplit("/", 1)[1])
    assert browser.get(f"/{screen}/show/{pk}").status_code == 200
    edit_page = browser.get(f"/{screen}/edit/{pk}")
    assert edit_page.status_code == 200
    edit_columns = screen_of(key).edit_columns
    record = db.session.get(entity.model, pk)
    links = entity.model.__mapper__.relationships.keys()
    stored = {
        name: _form(_value(getattr(record, name)), blank="__None" if name in links else "")
        for name in edit_columns
    }
    stored[field] = _form(changed)
    edited = browser.post(
        f"/{screen}/edit/{pk}", data={k: v for k, v in stored.items() if v is not None}
    )
    assert edited.status_code == 302, edited.get_data(as_text=True)[-3000:]
    assert _stored(entity, pk, field) == changed
    if key in SINGLE:
        return
    deleted = browser.post(f"/{screen}/delete/{pk}")
    assert deleted.status_code == 302
    db.session.expire_all()
    assert db.session.get(entity.model, pk) is None


def _value(value):
    """A stored value as the form shows it: a linked record by its id."""
    return value.id if isinstance(value, Model) else value
