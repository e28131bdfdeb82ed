"""Row scope, one generic test per scoped entity of the registry (NetBox style): on a demo
company, each sales manager and head of sales gets a record in the API list, by id and on
its page exactly when it is theirs by its entity's rule, and a 404 otherwise (a PUT and a
DELETE too); an unrestricted role gets every record.

The rule is restated here independently of app/core/scope.py: the path from a record to
its client, and the person field that also makes it someone's. A scoped entity missing
from OWNERS fails the suite, so that every new one gets its denial test."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from conftest import PASSWORD, build_test_app

from app.core import registry
from app.core.entities import ENTITIES
from app.core.models import BankPayment, Branch, Client, ExportJob, ImportJob, Notification
from app.extensions import db

# key: (path from the record to its client, person field that makes it theirs too)
OWNERS = {
    "client": ("", None),
    "contact": ("client", None),
    "interaction": ("client", None),
    "inquiry": ("client", "assignee_id"),
    "invoice": ("client", None),
    "payment": ("invoice.client", None),
    "complaint": ("client", None),
    "corrective_action": ("complaint.client", "responsible_id"),
    "survey_response": ("client", None),
    "survey_answer": ("response.client", None),
    "survey_invitation": ("client", None),
    "task": ("client", "assignee_id"),
    "notification": (None, "user_id"),
    "export_job": (None, "user_id"),
    "import_job": (None, "user_id"),
    "bank_payment": ("client", None),
    "campaign": (None, "responsible_id"),
    "campaign_cost": (None, None),
    "campaign_evaluation": (None, None),
    "client_value_change": ("client", None),
    "sales_target": (None, "manager_id"),
}
# Records of no client that a head of sales sees in the branches they head, by this field.
HEADS_SEE_BRANCH = {"sales_target": "branch_id"}
# Records the clients name (a campaign, and through it its costs and evaluation): a
# seller's when one of their clients names it; the path from the record to the campaign.
NAMED_BY_CLIENTS = {"campaign": "", "campaign_cost": "campaign", "campaign_evaluation": "campaign"}
# Records of no client that a head of sales sees too (a payer nobody knows yet).
HEADS_SEE_UNLINKED = {"bank_payment"}
# Records of no client that a head of sales sees when this person works in their branch
# (a new caller's inquiry, by its assignee).
HEADS_SEE_TEAM = {"inquiry": "assignee"}
SCOPED = [entity.key for entity in ENTITIES if entity.scope is not None]
# Two managers of different branches, and the head of the first: each must miss the others'.
LIMITED = ("manager1a", "manager2a", "head1")
# Records per entity checked one by one (all of them are counted in the list).
SAMPLE = 3
# Enough demo clients for complaints, actions and survey answers under several managers.
CLIENTS = 150


def test_every_scoped_entity_has_its_rule_here():
    """Each entity that declares a scope is covered by this module."""
    assert sorted(SCOPED) == sorted(OWNERS)


@pytest.fixture(scope="module")
def company(tmp_path_factory):
    """A demo company of CLIENTS clients on an app of its own, with a notification and an
    export of manager1a (the demo has none)."""
    from seeds.demo import seed_demo

    app = build_test_app(tmp_path_factory.mktemp("scope"), "_scope")
    with app.app_context():
        seed_demo(db.session, app.appbuilder.sm, CLIENTS, 7, date(2026, 11, 20), PASSWORD)
        owner = app.appbuilder.sm.find_user(username="manager1a")
        db.session.add(Notification(user_id=owner.id, title="Call back", origin="rule:test"))
        db.session.add(ExportJob(user_id=owner.id, subject="client", title="Clients"))
        db.session.add(
            ImportJob(user_id=owner.id, entity="client", file_name="c.csv", checksum="0")
        )
        clients = db.session.scalars(sa.select(Client).order_by(Client.id).limit(40)).all()
        for number, client in enumerate([*clients, None]):
            db.session.add(
                BankPayment(
                    document_number=str(number),
                    document_date=date(2026, 11, 2),
                    amount=100,
                    payer_tax_id=client.tax_id if client else None,
                    client_id=client.id if client else None,
                )
            )
        db.session.commit()
        db.session.remove()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _follow(record, path: str):
    for part in filter(None, path.split(".")):
        record = getattr(record, part) if record is not None else None
    return record


def _theirs(record, key: str, user, headed: set[int]) -> bool:
    path, person = OWNERS[key]
    if person and getattr(record, person) == user.id:
        return True
    if key in NAMED_BY_CLIENTS:
        campaign = _follow(record, NAMED_BY_CLIENTS[key])
        named = db.session.scalars(sa.select(Client).where(Client.campaign_id == campaign.id))
        return campaign.responsible_id == user.id or any(
            client.owner_id == user.id or client.branch_id in headed for client in named
        )
    if key in HEADS_SEE_BRANCH:
        return getattr(record, HEADS_SEE_BRANCH[key]) in headed
    if path is None:
        return False
    client = _follow(record, path)
    if client is None:
        if key in HEADS_SEE_TEAM:
            person = getattr(record, HEADS_SEE_TEAM[key])
            return person is not None and person.branch_id in headed
        return key in HEADS_SEE_UNLINKED and bool(headed)
    return client.owner_id == user.id or client.branch_id in headed


def _signed_in(app, username):
    api, screens = app.test_client(), app.test_client()
    token = api.post(
        "/api/v1/security/login",
        json={"username": username, "password": PASSWORD, "provider": "db"},
    ).json["access_token"]
    api.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    assert (
        screens.post("/login/", data={"username": username, "password": PASSWORD}).status_code
        == 302
    )
    return api, screens


@pytest.mark.parametrize("key", SCOPED)
def test_each_limited_role_gets_exactly_its_records(company, key):
    """Manager and head: the list counts only their records; each of theirs opens, each
    other one is a 404 by id, on its page, and to a PUT or DELETE."""
    entity = ENTITIES[key]
    screens = {
        view.variant: view
        for view in company.appbuilder.baseviews
        if getattr(view, "entity_key", None) == key and hasattr(view, "list_template")
    }
    # Its main screen, else the one of its menu entry (My notifications).
    screen = screens.get("") or screens[entity.menu[0].variant]
    with company.app_context():
        records = db.session.scalars(sa.select(entity.model).order_by(entity.model.id)).all()
        assert records, f"the demo company has no {key}"
        sm = company.appbuilder.sm
        for username in LIMITED:
            user = sm.find_user(username=username)
            headed = set(db.session.scalars(sa.select(Branch.id).where(Branch.head_id == user.id)))
            expected = {each.id for each in records if _theirs(each, key, user, headed)}
            others = [each.id for each in records if each.id not in expected]
            api, screens = _signed_in(company, username)
            listed = api.get(f"/api/v1/{key}/?q=(page_size:500)").json
            assert listed["count"] == len(expected), username
            assert set(listed["ids"]) <= expected and len(listed["ids"]) == min(500, len(expected))
            for record_id in sorted(expected)[:SAMPLE]:
                assert api.get(f"/api/v1/{key}/{record_id}").status_code == 200
                page = screens.get(f"{screen.route_base}/show/{record_id}")
                assert page.status_code == 200, (username, record_id)
            for record_id in others[:SAMPLE]:
                assert api.get(f"/api/v1/{key}/{record_id}").status_code == 404
                assert screens.get(f"{screen.route_base}/show/{record_id}").status_code == 404
                assert api.put(f"/api/v1/{key}/{record_id}", json={}).status_code in (
                    403,
                    404,
                    405,
                )
                assert api.delete(f"/api/v1/{key}/{record_id}").status_code in (403, 404, 405)
        db.session.remove()


@pytest.mark.parametrize("key", [key for key in SCOPED if ENTITIES[key].group == registry.PROCESS])
def test_an_unrestricted_role_gets_every_record(company, key):
    """Customer service reads every record of the processes."""
    model = ENTITIES[key].model
    with company.app_context():
        total = db.session.scalar(sa.select(sa.func.count()).select_from(model))
        db.session.remove()
    api, _screens = _signed_in(company, "service")
    assert api.get(f"/api/v1/{key}/?q=(page_size:500)").json["count"] == total
