"""Deterministic demo data: a user of every role and clients with every kind of record.

Rows are generated in memory per chunk and written with bulk INSERTs, so a million clients
can be seeded; the same seed and as-of date give the same data on an empty database.
"""

from __future__ import annotations

import functools
import random
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.orm.attributes import flag_modified

from app.core.actor import (
    CUSTOMER_SERVICE,
    DIRECTOR,
    HEAD_OF_MARKETING,
    HEAD_OF_SALES,
    MARKETING,
    QUALITY_OFFICER,
    SALES_MANAGER,
)
from app.core.domain import answer_due, complaint_number
from app.core.models import (
    Branch,
    Campaign,
    CampaignCost,
    Client,
    Complaint,
    Contact,
    CorrectiveAction,
    Department,
    Industry,
    Inquiry,
    Interaction,
    Invoice,
    LossReason,
    Payment,
    Segment,
    Source,
    Survey,
    SurveyAnswer,
    SurveyInvitation,
    SurveyQuestion,
    SurveyResponse,
    Task,
)
from app.core.models.choices import AnswerType
from app.core.services import audit, value_class, working_time
from app.core.services.client import recompute_completeness
from app.core.services.inquiry import answer_minutes
from app.core.services.numbering import reserve
from app.core.services.survey import STANDARD_QUESTIONNAIRE, recompute_scores
from seeds.demo_campaigns import seed_campaigns
from seeds.demo_invitations import seed_invitations
from seeds.demo_research import seed_research
from seeds.demo_rows import ClientRows
from seeds.demo_targets import seed_targets

CHUNK = 5_000
MANAGERS_PER_BRANCH = 2
SINGLE_ROLE_USERS = [
    ("marketing", MARKETING),
    ("marketinghead", HEAD_OF_MARKETING),
    ("service", CUSTOMER_SERVICE),
    ("quality", QUALITY_OFFICER),
    ("director", DIRECTOR),
]


def ensure_users(sm, password: str) -> dict:
    """Demo users: a head and managers per branch, one user of each other role."""
    session = sm.session
    branches = session.scalars(sa.select(Branch).order_by(Branch.id)).all()
    users = {"heads": {}, "managers": {}}

    def user(username, role, first, last, branch=None):
        found = sm.find_user(username=username)
        if found is None:
            found = sm.add_user(
                username,
                first,
                last,
                f"{username}@demo.qms-crm.local",
                [sm.find_role(role)],
                password,
            )
        if branch is not None and found.branch_id is None:
            found.branch_id = branch.id  # heads and managers work in their branch
        return found.id

    for number, branch in enumerate(branches, start=1):
        head_id = user(f"head{number}", HEAD_OF_SALES, "Head", branch.name, branch)
        if branch.head_id is None:
            branch.head_id = head_id
        users["heads"][branch.id] = head_id
        users["managers"][branch.id] = [
            user(
                f"manager{number}{letter}",
                SALES_MANAGER,
                "Manager",
                f"{branch.name} {letter}",
                branch,
            )
            for letter in "ab"[:MANAGERS_PER_BRANCH]
        ]
    for username, role in SINGLE_ROLE_USERS:
        users[username] = user(username, role, role.split()[0], "Demo")
    session.commit()
    return users


def _ids(session, model) -> list[int]:
    return list(session.scalars(sa.select(model.id).order_by(model.id)))


def _next_id(session, model) -> int:
    return (session.execute(sa.select(sa.func.max(model.id))).scalar() or 0) + 1


def _quarter(day: date, back: int) -> date:
    """The first day of the quarter `back` quarters before the one holding `day`."""
    index = day.year * 4 + (day.month - 1) // 3 - back
    return date(index // 4, index % 4 * 3 + 1, 1)


def _surveys(session, as_of: date, users) -> list[tuple[int, list[tuple[int, AnswerType]]]]:
    """Four quarterly surveys (the last still open) and one unplanned; with questions."""
    surveys = []
    for back in range(3, -1, -1):
        start, end = _quarter(as_of, back), _quarter(as_of, back - 1) - timedelta(days=1)
        surveys.append(
            Survey(
                title=f"Quarterly satisfaction {start.year} Q{start.month // 3 + 1}",
                kind="planned",
                period_start=start,
                period_end=end,
                status="draft",
                # Planned at the start of its quarter, not on the day of the demo.
                created_on=datetime.combine(start, time(9, 0)),
            )
        )
    surveys.append(
        Survey(
            title="Unplanned survey: activity drop",
            kind="unplanned",
            reason="Client-base activity fell by more than 10 %",
            period_start=as_of - timedelta(days=20),
            period_end=as_of + timedelta(days=10),
            status="draft",
            scope="manager",
            created_on=datetime.combine(as_of - timedelta(days=20), time(9, 0)),
            scope_manager_id=next(iter(users["managers"].values()))[0],
        )
    )
    # Explicit ids, as for the bulk rows: a database's sequence would differ between runs.
    survey_id, question_id = _next_id(session, Survey), _next_id(session, SurveyQuestion)
    for survey in surveys:
        survey.id, survey_id = survey_id, survey_id + 1
        session.add(survey)
        for order, (text, answer_type) in enumerate(STANDARD_QUESTIONNAIRE, start=1):
            session.add(
                SurveyQuestion(
                    id=question_id,
                    survey=survey,
                    text=text,
                    order=order,
                    answer_type=answer_type,
                    created_on=survey.created_on,
                    changed_on=survey.created_on,
                )
            )
            question_id += 1
    session.flush()
    for survey in surveys:
        # Opened when planned, not by the wall clock, so that seeding is repeatable.
        survey.status, survey.changed_on = "open", survey.created_on
    session.flush()
    return [(survey.id, [(q.id, q.answer_type) for q in survey.questions]) for survey in surveys]


def seed_demo(
    session, sm, clients: int, seed: int, as_of: date, password: str, progress=None
) -> dict[str, int]:
    """Add `clients` demo clients with their records; returns the rows added per table.

    Recorded in the audit trail as `system:seed`: ORM changes row by row, the bulk inserts
    as one entry per table with the id range (row-by-row entries would double the load).
    """
    with audit.recorded_as("seed"):
        return _seed_demo(session, sm, clients, seed, as_of, password, progress)


def _seed_demo(session, sm, clients, seed, as_of, password, progress) -> dict[str, int]:
    rng = random.Random(seed)
    users = ensure_users(sm, password)
    reference = {
        model: _ids(session, model) for model in (Industry, Segment, Source, Department, LossReason)
    }
    surveys = _surveys(session, as_of, users)
    session.commit()
    tables = (
        Client,
        Contact,
        Invoice,
        Payment,
        Interaction,
        Inquiry,
        Complaint,
        CorrectiveAction,
        SurveyResponse,
        SurveyAnswer,
        Task,
    )
    next_ids = {model: _next_id(session, model) for model in tables}
    counts = {model.__tablename__: 0 for model in tables}
    first_ids = dict(next_ids)
    complaint_numbers = {}
    # Answer deadlines in working minutes, as the inquiry service counts them.
    calendar, minutes = working_time.load(session, around=as_of), answer_minutes()
    answer_by = functools.partial(answer_due, calendar, minutes=minutes)
    connection = session.connection()
    done = 0
    while done < clients:
        size = min(CHUNK, clients - done)
        rows = ClientRows(rng, as_of, users, reference, surveys, next_ids, size, answer_by).build()
        for model in tables:
            batch = rows.get(model, [])
            if model is Complaint:
                _number_complaints(connection, batch, complaint_numbers)
            if batch:
                connection.execute(sa.insert(model), batch)
                counts[model.__tablename__] += len(batch)
                next_ids[model] = batch[-1]["id"] + 1
        done += size
        if progress is not None:
            progress(size)
    recompute_completeness(connection)
    recompute_scores(connection)
    audit.append(
        connection,
        [
            {
                "entity": model.__tablename__,
                "action": "bulk_create",
                "changes": {
                    "rows": counts[model.__tablename__],
                    "ids": [first_ids[model], next_ids[model] - 1],
                    "seed": seed,
                },
            }
            for model in tables
            if counts[model.__tablename__]
        ],
    )
    for survey in session.scalars(
        sa.select(Survey).where(
            Survey.id.in_([survey_id for survey_id, _ in surveys]), Survey.period_end < as_of
        )
    ):
        survey.status, survey.changed_on = "closed", datetime.combine(as_of, time(9, 0))
        # The same value as before is no change to SQLAlchemy, and the onupdate default would
        # then stamp the wall clock: keep the as-of time in the statement.
        flag_modified(survey, "changed_on")
    session.flush()
    seed_campaigns(session, as_of, users["marketing"])
    seed_research(session, as_of, users["marketing"])
    counts["survey_invitation"] = seed_invitations(session, as_of)
    seed_targets(session, as_of, users["managers"], seed)
    # The classes the nightly job would have given the clients by the day of the demo.
    value_class.recompute(connection, as_of - timedelta(days=1))
    _fix_sequences(
        connection, tables + (Survey, SurveyQuestion, Campaign, CampaignCost, SurveyInvitation)
    )
    session.commit()
    _refresh_statistics(session)
    return counts


def _refresh_statistics(session) -> None:
    """Planner statistics, and on PostgreSQL the visibility map that index-only scans (a
    list's count) need: a freshly bulk-loaded table is otherwise planned as if empty."""
    engine = session.get_bind()
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(sa.text("VACUUM ANALYZE"))
    else:
        session.execute(sa.text("ANALYZE"))
        session.commit()


def _number_complaints(connection, batch, reserved) -> None:
    """Complaint numbers come from the same series as the complaint service's."""
    by_year = {}
    for row in batch:
        by_year.setdefault(row["received_at"].year, []).append(row)
    for year, rows in sorted(by_year.items()):
        first = reserve(connection, f"complaint-{year}", len(rows))
        for offset, row in enumerate(rows):
            row["number"] = complaint_number(year, first + offset)


def _fix_sequences(connection, tables) -> None:
    """Explicit ids leave PostgreSQL's sequences behind; move them past the data."""
    if connection.dialect.name != "postgresql":
        return
    for model in tables:
        table = model.__tablename__
        connection.execute(
            sa.text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
            )
        )
