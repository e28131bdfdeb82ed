"""The default follow-up rules 1 and 5–13 at their boundaries: nothing a minute (or a day)
before the deadline, exactly one action at it, nothing again afterwards, and nothing for
the records the rule's conditions exclude. Rules 2–4 are in test_rules.py."""

from datetime import date, datetime, timedelta

import sqlalchemy as sa
from conftest import rule_tasks, swept
from flask_appbuilder.security.sqla.models import Role, User

from app.core import models
from app.extensions import db


def _sweep(as_of, code):
    return swept(as_of, code)[code]


def _role_members(name):
    """Active users holding the role (other tests may have added some)."""
    return set(
        db.session.scalars(
            sa.select(User.id).where(User.active.is_(True), User.roles.any(Role.name == name))
        )
    )


def _set(record, **values):
    """Put a record in a state directly (as if reached through its lifecycle)."""
    table = type(record).__table__
    db.session.execute(sa.update(table).where(table.c.id == record.id).values(**values))
    db.session.commit()
    db.session.expire_all()


def _interaction(client, occurred_at, kind="contact", **fields):
    record = models.Interaction(
        client=client, occurred_at=occurred_at, kind=kind, summary="Talked", **fields
    )
    db.session.add(record)
    db.session.commit()
    return record


def _complaint(client, received_at):
    record = models.Complaint(client=client, received_at=received_at, description="Late")
    db.session.add(record)
    db.session.commit()
    return record


def _paid(client, paid_on, number):
    invoice = models.Invoice(
        number=number,
        client_id=client.id,
        issued_on=paid_on,
        amount=100,
        currency="RUB",
        status="on_approval",
    )
    db.session.add(invoice)
    db.session.commit()
    db.session.add(models.Payment(invoice_id=invoice.id, paid_on=paid_on, amount=100))
    db.session.commit()
    _set(invoice, status="paid")
    return invoice


def test_recontact_due_on_the_day_unless_the_client_was_contacted_since(make, users):
    """Rule 1: nothing at 23:59 the day before; at 00:00 one task for the client's owner,
    due by that day's closing time; a client contacted again later gets none."""
    owner = users["sales_manager"]
    waiting, contacted = make.client(owner, name="Waiting"), make.client(owner, name="Called")
    earlier = datetime(2026, 11, 2, 10)
    _interaction(waiting, earlier, next_contact_on=date(2026, 11, 25))
    _interaction(contacted, earlier, next_contact_on=date(2026, 11, 25))
    _interaction(contacted, earlier + timedelta(days=1))
    assert _sweep(datetime(2026, 11, 24, 23, 59), "recontact-due")["acted"] == 0
    assert _sweep(datetime(2026, 11, 25, 0, 0), "recontact-due")["acted"] == 1
    assert _sweep(datetime(2026, 11, 26, 12, 0), "recontact-due")["acted"] == 0
    [task] = rule_tasks("recontact-due")
    assert task.assignee_id == owner.id and task.client_id == waiting.id
    assert task.due_at == datetime(2026, 11, 25, 18, 0) and "Waiting" in task.title


def test_quarterly_survey_starts_on_the_first_working_day_of_the_quarter(ctx):
    """Rule 5: 1 January 2027 made a holiday, the survey starts at 09:00 on Monday the 4th,
    not a minute before, once, with the standard questionnaire over all clients."""
    db.session.add(models.CalendarDay(day=date(2027, 1, 1), is_working=False, description="NY"))
    db.session.commit()
    code = "survey-quarterly"
    assert _sweep(datetime(2027, 1, 1, 12, 0), code)["acted"] == 0
    assert _sweep(datetime(2027, 1, 4, 8, 59), code)["acted"] == 0
    assert _sweep(datetime(2027, 1, 4, 9, 0), code)["acted"] == 1
    assert _sweep(datetime(2027, 2, 1, 9, 0), code)["acted"] == 0
    [survey] = db.session.scalars(sa.select(models.Survey)).all()
    assert (survey.kind, survey.scope, survey.status) == ("planned", "all", "open")
    assert (survey.period_start, survey.period_end) == (date(2027, 1, 1), date(2027, 3, 31))
    assert len(survey.questions) >= 5 and "2027-Q1" in survey.title


def test_activity_drop_beyond_ten_percent_starts_a_survey_for_that_manager(make, users):
    """Rule 6: a manager whose active clients fall from 10 to 8 (−20 %) on the day two
    payments leave the trailing year gets an unplanned survey and Marketing a task; the
    day before (10 of 10), nothing; a manager at exactly −10 % gets nothing."""
    falling, steady = users["sales_manager"], users["sales_manager_b"]
    for owner, leaving in ((falling, 2), (steady, 1)):
        for number in range(10):
            client = make.client(owner, name=f"{owner.username}-{number}")
            paid_on = date(2025, 11, 23) if number < leaving else date(2026, 6, 1)
            _paid(client, paid_on, f"{owner.username}-{number}")
    code = "survey-activity-drop"
    assert _sweep(datetime(2026, 11, 22, 23, 59), code)["acted"] == 0
    assert _sweep(datetime(2026, 11, 23, 0, 0), code)["acted"] == 1
    assert _sweep(datetime(2026, 11, 24, 0, 0), code)["acted"] == 0
    [survey] = db.session.scalars(sa.select(models.Survey)).all()
    assert (survey.kind, survey.scope, survey.scope_manager_id) == (
        "unplanned",
        "manager",
        falling.id,
    )
    marketing = _role_members("Marketing")
    tasks = rule_tasks(code)
    assert {task.assignee_id for task in tasks} == marketing and tasks
    assert "-20.0 %" in tasks[0].title


def test_complaint_investigation_task_at_registration(make, users, branch):
    """Rule 7: the branch head gets the task the minute the complaint is registered, due
    within one working day; one that moved on to investigation gets none."""
    client = make.client(users["sales_manager"], branch_id=branch.id)
    registered = _complaint(client, datetime(2026, 11, 20, 17, 0))
    moved_on = _complaint(client, datetime(2026, 11, 20, 17, 0))
    _set(moved_on, status="investigating")
    code = "complaint-investigate"
    assert _sweep(datetime(2026, 11, 20, 16, 59), code)["acted"] == 0
    assert _sweep(datetime(2026, 11, 20, 17, 0), code)["acted"] == 1
    assert _sweep(datetime(2026, 11, 20, 17, 1), code)["acted"] == 0
    [task] = rule_tasks(code)
    assert task.assignee_id == branch.head_id and task.related_id == registered.id
    assert task.due_at == datetime(2026, 11, 23, 17, 0)  # Friday 17:00 + 9 working hours


def test_resolved_complaint_gets_a_follow_up_contact_task(make, users):
    """Rule 8: from the minute of resolution, one task for the owner due in three working
    days; an unresolved complaint gets none."""
    owner = users["sales_manager"]
    client = make.client(owner)
    resolved = _complaint(client, datetime(2026, 11, 16, 10, 0))
    _complaint(client, datetime(2026, 11, 16, 10, 0))
    _set(resolved, status="resolved", resolution="Replaced", resolved_at=datetime(2026, 11, 19, 12))
    code = "complaint-follow-up"
    assert _sweep(datetime(2026, 11, 19, 11, 59), code)["acted"] == 0
    assert _sweep(datetime(2026, 11, 19, 12, 0), code)["acted"] == 1
    [task] = rule_tasks(code)
    assert task.assignee_id == owner.id and task.related_id == resolved.id
    assert task.due_at == datetime(2026, 11, 24, 12, 0)


def test_overdue_corrective_action_is_escalated_to_quality(make, users):
    """Rule 9: on the due day nothing; the next day the action is flagged and every
    Quality Officer gets a task; a done action is left alone."""
    client = make.client(users["sales_manager"])
    complaint = _complaint(client, datetime(2026, 11, 2, 10))
    late, done = (
        models.CorrectiveAction(complaint=complaint, description=text, due_on=date(2026, 11, 20))
        for text in ("Retrain", "Replace")
    )
    db.session.add_all([late, done])
    db.session.commit()
    _set(done, status="done", done_on=date(2026, 11, 19))
    code = "corrective-action-overdue"
    assert _sweep(datetime(2026, 11, 20, 23, 59), code)["acted"] == 0
    assert _sweep(datetime(2026, 11, 21, 0, 0), code)["acted"] == 1
    assert db.session.get(models.CorrectiveAction, late.id).escalated_at == datetime(2026, 11, 21)
    assert db.session.get(models.CorrectiveAction, done.id).escalated_at is None
    quality = _role_members("Quality Officer")
    assert {task.assignee_id for task in rule_tasks(code)} == quality


def test_key_client_without_a_review_this_quarter(make, users):
    """Rule 10: a key client reviewed in October needs nothing until the quarter turns;
    one never reviewed gets a Director task once this quarter and again the next."""
    owner = users["sales_manager"]
    reviewed = make.client(owner, name="Reviewed", is_key=True)
    never = make.client(owner, name="Never", is_key=True)
    make.client(owner, name="Ordinary")
    _interaction(reviewed, datetime(2026, 10, 5, 11), kind="key_client_review")
    code = "key-client-quarterly"
    assert _sweep(datetime(2026, 12, 31, 23, 59), code)["acted"] == 1
    assert _sweep(datetime(2026, 12, 31, 23, 59), code)["acted"] == 0
    assert _sweep(datetime(2027, 1, 1, 0, 0), code)["acted"] == 2
    directors = _role_members("Director")
    tasks = rule_tasks(code)
    assert {task.assignee_id for task in tasks} == directors
    assert [task.related_id for task in tasks[: len(directors)]] == [never.id] * len(directors)


def test_service_review_due_twelve_months_after_the_last(make, users):
    """Rule 11: reviewed on 23 Nov 2025, the owner's task comes on 24 Nov 2026, not the
    day before."""
    owner = users["sales_manager"]
    client = make.client(owner, name="Key", is_key=True)
    _set(client, created_on=datetime(2024, 1, 10, 9))
    _interaction(client, datetime(2025, 11, 23, 15), kind="service_review")
    code = "service-review-yearly"
    assert _sweep(datetime(2026, 11, 23, 23, 59), code)["acted"] == 0
    assert _sweep(datetime(2026, 11, 24, 0, 0), code)["acted"] == 1
    [task] = rule_tasks(code)
    assert task.assignee_id == owner.id and task.client_id == client.id


def test_incomplete_card_one_working_day_after_creation(make, users):
    """Rule 12: created Friday 17:50 and still incomplete, the owner's task comes at 17:50
    on Monday, not 17:49; a completed card never gets one."""
    owner = users["sales_manager"]
    incomplete = make.client(owner, name="Bare")
    complete = make.client(owner, name="Full")
    for client in (incomplete, complete):
        _set(client, created_on=datetime(2026, 11, 20, 17, 50))
    _set(complete, is_complete=True)
    code = "client-card-incomplete"
    assert _sweep(datetime(2026, 11, 23, 17, 49), code)["acted"] == 0
    assert _sweep(datetime(2026, 11, 23, 17, 50), code)["acted"] == 1
    [task] = rule_tasks(code)
    assert task.client_id == incomplete.id and task.assignee_id == owner.id


def test_active_client_quiet_for_ninety_days(make, users):
    """Rule 13: last contact on 25 Aug, last payment earlier: the retention task comes on
    24 Nov (90 days later), not on the 23rd; a client paying since gets none."""
    owner = users["sales_manager"]
    quiet, paying = make.client(owner, name="Quiet"), make.client(owner, name="Paying")
    for client in (quiet, paying):
        _set(client, status="active", created_on=datetime(2025, 1, 10, 9))
        _interaction(client, datetime(2026, 8, 25, 16))
    _paid(quiet, date(2026, 5, 5), "Q-1")
    _paid(paying, date(2026, 11, 2), "P-1")
    code = "client-going-quiet"
    assert _sweep(datetime(2026, 11, 23, 23, 59), code)["acted"] == 0
    assert _sweep(datetime(2026, 11, 24, 0, 0), code)["acted"] == 1
    [task] = rule_tasks(code)
    assert task.client_id == quiet.id and task.assignee_id == owner.id
