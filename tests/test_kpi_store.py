"""The company's KPI parts kept up to date: after each kind of change a KPI reads, only the
groups of the managers it touches are computed again, and the parts so kept equal the
parts computed anew from the whole database."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from kpi_support import complaint, same_parts
from test_kpi import END, START, data  # noqa: F401  (the hand-made data set)

from app.core import models
from app.core.kpi import query, store
from app.core.kpi.cache import KPI_ENTITIES, position
from app.core.kpi.query import KpiQuery
from app.core.kpi.report import kpi_report
from app.extensions import db

QUESTIONS = {
    "atoms": ((START, END), lambda touched: KpiQuery(START, END, touched).atoms()),
    "quarters": ((END, 4), lambda touched: KpiQuery(END, END, touched).sci_quarters(4)),
    "monthly": ((END, 12), lambda touched: KpiQuery(END, END, touched).monthly(12)),
}


@pytest.fixture(autouse=True)
def small_blocks(monkeypatch):
    """Blocks of two client ids: the hand-made clients fall in several blocks."""
    monkeypatch.setattr(query, "BLOCK", 2)


def _client(name):
    return db.session.query(models.Client).filter_by(name=name).one()


def _changes(make, users):
    """Each kind of change a KPI reads, as a name and a function making it."""
    a, b = users["sales_manager"], users["sales_manager_b"]

    def move_client():
        _client("C1").owner_id = b.id
        db.session.commit()

    def invoice():
        return db.session.query(models.Invoice).filter_by(number="K-7").one()

    def pay_in_part():
        make.invoice(_client("C3"), number="K-7", amount="250.00", issued_on=date(2026, 10, 10))
        db.session.add(models.Payment(invoice_id=invoice().id, amount=Decimal("100"), paid_on=END))
        db.session.commit()

    def delete_payment():
        db.session.delete(invoice().payments[0])
        db.session.commit()

    def pay():
        db.session.add(
            models.Payment(invoice_id=invoice().id, amount=Decimal("250"), paid_on=START)
        )
        db.session.commit()

    def new_client():
        make.client(a, name="C9", created_on=datetime(2026, 10, 3))

    def reassign_new_caller():
        inquiry = db.session.query(models.Inquiry).filter_by(subject="New caller").one()
        inquiry.assignee_id = users["customer_service_b"].id
        db.session.commit()

    def answer_in_time():
        inquiry = db.session.query(models.Inquiry).filter_by(subject="New caller").one()
        inquiry.first_response_at = datetime(2026, 10, 6, 10, 5)
        db.session.commit()

    def complain():
        complaint(_client("C2"), "K-C9", datetime(2026, 10, 11), users["quality_officer"])

    def drop_response():
        response = (
            db.session.query(models.SurveyResponse).filter_by(client_id=_client("C3").id).one()
        )
        db.session.delete(response)
        db.session.commit()

    def agent_changes_branch():
        users["customer_service_b"].branch_id = _client("C3").branch_id
        db.session.commit()

    def recost():
        invoice().cost = Decimal("125.00")
        db.session.commit()

    return [
        ("a client moves to another manager", move_client),
        ("a payment in part", pay_in_part),
        ("a cost entered", recost),
        ("a payment deleted", delete_payment),
        ("an invoice paid in full", pay),
        ("a new client", new_client),
        ("a new caller's inquiry reassigned", reassign_new_caller),
        ("an inquiry answered", answer_in_time),
        ("a complaint", complain),
        ("a survey response deleted", drop_response),
        ("an agent moves to another branch", agent_changes_branch),
    ]


def test_a_change_touches_its_clients_block_and_its_assignees(users, make, data):  # noqa: F811
    """Moving a client to another manager touches the client's block; reassigning a new
    caller's inquiry touches both assignees; a saved task or a client's needs written down
    touches nothing; a survey's change asks for everything."""
    from app.core.kpi.query import Touched

    client = _client("C1")
    since = position(KPI_ENTITIES)
    client.owner_id = users["sales_manager_b"].id
    db.session.commit()
    assert store.touched(since, position(KPI_ENTITIES)) == Touched(
        frozenset({client.id // query.BLOCK})
    )
    since = position(KPI_ENTITIES)
    inquiry = db.session.query(models.Inquiry).filter_by(subject="New caller").one()
    first = inquiry.assignee_id
    inquiry.assignee_id = users["customer_service_b"].id
    db.session.commit()
    make.task(users["sales_manager"], title="No KPI reads tasks")
    assert store.touched(since, position(KPI_ENTITIES)) == Touched(
        frozenset(), frozenset({first, users["customer_service_b"].id})
    )
    since = position(KPI_ENTITIES)
    client.needs = "Spare parts in winter"
    db.session.commit()
    assert position(KPI_ENTITIES) == since  # the KPI answers stand
    assert store.touched(since, position(("client",)), ("client",)).blocks == {
        client.id // query.BLOCK
    }  # while what reads every client edit (clients by source) counts its block again
    survey = db.session.query(models.Survey).one()
    survey.title = "Renamed"
    db.session.commit()
    assert store.touched(since, position(KPI_ENTITIES)) is None


@pytest.mark.parametrize("name", QUESTIONS)
def test_kept_parts_equal_parts_computed_anew(users, make, data, name):  # noqa: F811
    """After each kind of change, the kept parts are brought up to date by computing the
    touched groups only, and equal the parts computed from everything."""
    question, compute = QUESTIONS[name]
    asked = []

    def recording(touched):
        asked.append(touched)
        return compute(touched)

    store.company_parts(name, question, recording)
    assert asked == [None]
    for change, make_it in _changes(make, users):
        make_it()
        kept = store.company_parts(name, question, recording)
        assert asked[-1] is not None and asked[-1].blocks | asked[-1].assignees, change
        same_parts(kept, compute(None))


def test_an_import_sized_change_computes_everything(users, make, data, monkeypatch):  # noqa: F811
    """Past the most changes worth following one by one, the parts are computed in full."""
    question, compute = QUESTIONS["atoms"]
    asked = []
    store.company_parts(
        "atoms", question, lambda touched: asked.append(touched) or compute(touched)
    )
    monkeypatch.setattr(store, "MOST_CHANGES", 1)
    make.client(users["sales_manager"], name="C10")
    make.client(users["sales_manager"], name="C11")
    store.company_parts(
        "atoms", question, lambda touched: asked.append(touched) or compute(touched)
    )
    assert asked == [None, None]


def test_reports_read_the_kept_parts_in_each_users_scope(as_user, users, make, data):  # noqa: F811
    """The director and a head of sales read the same kept parts: after a client moves from
    the head's branch's manager to the south, the head's figures lose it and the
    director's total stays."""
    with as_user(users["director"]):
        before = kpi_report(START, END).total
    with as_user(users["head_of_sales"]):
        head_before = kpi_report(START, END).total
    client = _client("C1")
    client.owner_id = users["sales_manager_b"].id
    client.branch_id = users["sales_manager_b"].branch_id
    db.session.commit()
    with as_user(users["director"]):
        assert kpi_report(START, END).total["clients"] == before["clients"]
    with as_user(users["head_of_sales"]):
        after = kpi_report(START, END).total
    assert after["clients"] == head_before["clients"] - 1
    assert after["revenue"] == head_before["revenue"] - 1000


def test_the_days_home_figures_are_prepared_for_every_process(app, users, make, data):  # noqa: F811
    """The scheduler's job, run on a real worker, computes today's home page questions
    into Redis; a process that kept nothing (as if just started) reads them there without
    computing, and after a change computes the new client's block only."""
    from rq import Queue

    from app.core.clock import business_now
    from app.core.kpi.query import quarter_of
    from jobs import connection as redis_connection
    from jobs.kpi import prepare_home_figures
    from jobs.schedule import SWEEP_QUEUE
    from jobs.worker import run_worker

    today = business_now().date()
    question = (quarter_of(today)[0], today)
    redis = redis_connection.connect(app.config)
    Queue(SWEEP_QUEUE, connection=redis).enqueue(prepare_home_figures)
    try:
        run_worker(app, burst=True, with_scheduler=False)
    finally:
        redis_connection.stop_embedded()
    redis = redis_connection.connect(app.config)  # the embedded server, started again
    assert redis.keys("qms:kpi:parts:*")
    store.clear(shared=False)
    asked = []

    def recording(touched):
        asked.append(touched)
        return KpiQuery(*question, touched).atoms()

    store.company_parts("atoms", question, recording)
    assert asked == []
    make.client(users["sales_manager"], name="C12")
    store.clear(shared=False)
    parts = store.company_parts("atoms", question, recording)
    client = _client("C12")
    assert [each.blocks for each in asked] == [{client.id // query.BLOCK}]
    same_parts(parts, KpiQuery(*question).atoms())


def test_postgresql_sessions_run_without_jit(ctx):
    """PostgreSQL's JIT is off for the app's sessions (it compiled a KPI block's queries for
    longer than they ran); SQLite has foreign keys on."""
    import sqlalchemy as sa

    if db.engine.dialect.name == "postgresql":
        assert db.session.execute(sa.text("SHOW jit")).scalar() == "off"
    else:
        assert db.session.execute(sa.text("PRAGMA foreign_keys")).scalar() == 1
