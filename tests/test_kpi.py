"""The KPI service on a small data set worked out by hand: each figure of October 2026 for
the company, per branch and per manager, the quarterly SCI, a quarter boundary (payments and
answers on 30 September and 1 October), clients created after the period and new callers'
requests; the user's scope and the branch and manager filters."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from kpi_support import complaint, paid

from app.core import models
from app.core.kpi.report import kpi_report
from app.core.services.errors import DomainError
from app.extensions import db

START, END = date(2026, 10, 1), date(2026, 10, 31)


def answered(survey, questions, client, day, *values):
    """A response of `client` on `day`: the scale answers `values`, and "yes"."""
    response = models.SurveyResponse(survey_id=survey.id, client_id=client.id, answered_on=day)
    db.session.add(response)
    db.session.flush()
    scale = [question for question in questions if question.answer_type == "scale"]
    db.session.add_all(
        [
            models.SurveyAnswer(response_id=response.id, question_id=question.id, scale_value=value)
            for question, value in zip(scale, values, strict=True)
        ]
        + [
            models.SurveyAnswer(
                response_id=response.id, question_id=questions[1].id, yes_no_value=False
            )
        ]
    )
    db.session.commit()


@pytest.fixture
def data(make, users, branch):
    """North (headed by head_of_sales; manager A and the first service agent work there):
    c1, c2, c4 of manager A. South: c3 of manager B, and c5 created after the period."""
    south = db.session.get(models.Branch, users["sales_manager_b"].branch_id)
    a, b = users["sales_manager"], users["sales_manager_b"]
    c1 = make.client(a, name="C1", branch_id=branch.id, created_on=datetime(2026, 1, 1))
    c2 = make.client(a, name="C2", branch_id=branch.id, created_on=datetime(2026, 1, 1))
    c3 = make.client(b, name="C3", branch_id=south.id, created_on=datetime(2025, 6, 1))
    c4 = make.client(a, name="C4", branch_id=branch.id, created_on=datetime(2026, 10, 15))
    c5 = make.client(b, name="C5", branch_id=south.id, created_on=datetime(2026, 11, 5))
    paid(c1, "K-1", "1000.00", "700.00", date(2026, 10, 1), date(2026, 10, 1))
    paid(c2, "K-2", "500.00", "100.00", date(2026, 9, 25), date(2026, 9, 30))
    # Exactly 365 days before the period's end: outside the trailing year then, inside it
    # at the previous period's end.
    paid(c3, "K-3", "300.00", None, date(2025, 10, 20), date(2025, 10, 31))
    paid(c5, "K-5", "800.00", "100.00", date(2026, 11, 6), date(2026, 11, 6))
    make.invoice(c1, number="K-6", amount="900.00", cost=Decimal("0.00"), issued_on=START)
    agent, other_agent = users["customer_service"], users["customer_service_b"]
    agent.branch_id = branch.id
    db.session.add_all(
        [
            models.Inquiry(  # 10 minutes: in time
                contact_name="A",
                subject="C1 asks",
                client_id=c1.id,
                received_at=datetime(2026, 10, 6, 10, 0),
                first_response_at=datetime(2026, 10, 6, 10, 10),
            ),
            models.Inquiry(  # a new caller answered the next day: late, under North
                contact_name="B",
                subject="New caller",
                assignee_id=agent.id,
                received_at=datetime(2026, 10, 6, 10, 0),
                first_response_at=datetime(2026, 10, 7, 10, 0),
            ),
            models.Inquiry(  # a new caller of an agent of no branch: in time
                contact_name="C",
                subject="Another new caller",
                assignee_id=other_agent.id,
                received_at=datetime(2026, 10, 30, 10, 0),
                first_response_at=datetime(2026, 10, 30, 10, 5),
            ),
            models.Inquiry(  # the day before the period
                contact_name="D",
                subject="September",
                client_id=c3.id,
                received_at=datetime(2026, 9, 30, 10, 0),
            ),
        ]
    )
    db.session.commit()
    quality = users["quality_officer"]
    complaint(c1, "K-C1", datetime(2026, 10, 7), quality, resolved=datetime(2026, 10, 9))
    complaint(c3, "K-C3", datetime(2026, 10, 20), quality)
    complaint(c2, "K-C2", datetime(2026, 9, 29), quality, resolved=datetime(2026, 10, 2))
    survey = models.Survey(
        title="Second half",
        kind="planned",
        period_start=date(2026, 7, 1),
        period_end=date(2026, 12, 31),
        status="draft",
    )
    db.session.add(survey)
    db.session.flush()
    questions = [
        models.SurveyQuestion(survey_id=survey.id, text=text, order=order, answer_type=kind)
        for order, (text, kind) in enumerate(
            (("Quality?", "scale"), ("Again?", "yes_no"), ("Service?", "scale"), ("Notes", "text")),
            start=1,
        )
    ]
    db.session.add_all(questions)
    db.session.commit()
    survey.status = "open"
    db.session.commit()
    answered(survey, questions, c1, date(2026, 9, 30), 5, 4)  # Q3
    answered(survey, questions, c2, date(2026, 10, 1), 5, 5)  # Q4, in the period
    answered(survey, questions, c3, date(2026, 10, 31), 3, 4)  # Q4, in the period
    answered(survey, questions, c4, date(2026, 11, 15), 5, 5)  # Q4, after the period
    return {"north": branch.id, "south": south.id, "a": a.id, "b": b.id}


def test_each_figure_worked_out_by_hand(as_user, users, data):
    """The company's October: 4 clients (C5 came later), 2 active (C1 paid on 1 October, C2
    on 30 September; C3's payment is 365 days old) = 50 %; at 30 September 3 clients, 2
    active (C2, C3) = 66.7 %; one new client (C4); revenue 1,000 (C2's 30 September and C5's
    November payments are outside); profitability (1000 - 700) / 1000 = 30 %, the goal; 3
    requests (2 of new callers), 2 in time; 2 complaints received, 1 resolved in 2 days; SCI
    of the answers of 1 and 31 October (5, 5, 3, 4) = 4.25."""
    with as_user(users["director"]):
        report = kpi_report(START, END)
    total = report.total
    assert report.whole_company
    assert total["clients"] == 4 and total["new_clients"] == 1
    assert total["activity"] == pytest.approx(0.5)
    assert total["activity_before"] == pytest.approx(2 / 3)
    assert total["activity_change"] == pytest.approx(0.5 - 2 / 3)
    assert total["revenue"] == pytest.approx(1000)
    assert total["profitability"] == pytest.approx(0.3)
    assert total["inquiries"] == 3 and total["timeliness"] == pytest.approx(2 / 3)
    assert total["complaints"] == 2 and total["resolution_rate"] == pytest.approx(0.5)
    assert total["days_to_resolve"] == pytest.approx(2.0)
    assert total["sci"] == pytest.approx(4.25)


def test_by_branch_and_manager(as_user, users, data):
    """North: C1, C2, C4, 2 of 3 active (before: C2 of C1, C2), both requests of North (one
    late), SCI of C2's answers 5.0. South: C3 alone, inactive (before: active), SCI 3.5.
    The agent of no branch's request counts under no branch, and under that agent."""
    with as_user(users["director"]):
        report = kpi_report(START, END)
    north, south = report.by_branch.loc[data["north"]], report.by_branch.loc[data["south"]]
    assert north["clients"] == 3 and north["activity"] == pytest.approx(2 / 3)
    assert north["activity_before"] == pytest.approx(0.5)
    assert north["inquiries"] == 2 and north["timeliness"] == pytest.approx(0.5)
    assert north["sci"] == pytest.approx(5.0) and north["revenue"] == pytest.approx(1000)
    assert south["clients"] == 1 and south["activity"] == 0 and south["activity_before"] == 1
    assert south["sci"] == pytest.approx(3.5) and south["complaints"] == 1
    assert south["resolution_rate"] == 0 and south["revenue"] == 0
    unplaced = report.by_branch[report.by_branch.index.isna()]
    assert unplaced["inquiries"].tolist() == [1]
    by_manager = report.by_manager
    assert by_manager.loc[data["a"], "clients"] == 3
    assert by_manager.loc[data["b"], "clients"] == 1
    assert by_manager.loc[users["customer_service_b"].id, "inquiries"] == 1
    assert report.branch_names[data["north"]] and report.manager_names[data["a"]] == (
        "Sales Manager A"
    )


def test_sci_by_quarter(as_user, users, data):
    """The four quarters of 2026: none in the first two; Q3 = C1's 30 September answers
    (5, 4) = 4.5 of one response; Q4 = 1 October, 31 October and 15 November (5, 5, 3, 4,
    5, 5) = 4.5 of three responses — the period's end picks the quarter, not its answers.
    The response rate is the survey's, in the quarter it starts: 4 responses of 5 asked."""
    with as_user(users["director"]):
        quarters = kpi_report(START, END).quarters
    assert [first.isoformat() for first in quarters.index] == [
        "2026-01-01",
        "2026-04-01",
        "2026-07-01",
        "2026-10-01",
    ]
    assert quarters["responses"].tolist() == [0, 0, 1, 3]
    assert quarters["sci"].iloc[:2].isna().all()
    assert quarters["sci"].iloc[2] == pytest.approx(4.5)
    assert quarters["sci"].iloc[3] == pytest.approx(4.5)
    # The survey starts in Q3 and asks every client made by its end (C1–C5): 4 of 5 answered.
    assert quarters["invited"].tolist() == [0, 0, 5, 0]
    assert quarters["response_rate"].iloc[2] == pytest.approx(0.8)
    assert quarters["response_rate"].iloc[[0, 1, 3]].isna().all()


def test_scope_and_filters(as_user, users, data):
    """The head of North sees its clients and its new callers' requests, not South's; a
    branch filter keeps one branch, a manager filter one manager; an unknown one and an
    empty period are refused with the argument named."""
    with as_user(users["head_of_sales"]):
        report = kpi_report(START, END)
        assert not report.whole_company
        assert report.total["clients"] == 3 and report.total["inquiries"] == 2
        assert set(report.by_branch.index) == {data["north"]}
    with as_user(users["director"]):
        south = kpi_report(START, END, branch=data["south"]).total
        assert south["clients"] == 1 and south["inquiries"] == 0 and south["complaints"] == 1
        of_b = kpi_report(START, END, manager=data["b"], groups=False)
        assert of_b.total["clients"] == 1 and of_b.by_branch.empty
        of_agent = kpi_report(START, END, manager=users["customer_service_b"].id).total
        assert of_agent["inquiries"] == 1 and of_agent["clients"] == 0
        with pytest.raises(DomainError) as refused:
            kpi_report(START, END, branch=999_999)
        assert "branch" in refused.value.messages
        with pytest.raises(DomainError) as refused:
            kpi_report(END, START)
        assert "to" in refused.value.messages


def test_the_api_reports_in_the_callers_scope_and_language(app, data):
    """GET /api/v1/kpi/: the figures with values, texts in the caller's language, goals and
    definitions; a head of sales gets their branch only; a wrong date or branch is 422
    naming the argument."""
    from conftest import api_client

    period = f"from={START.isoformat()}&to={END.isoformat()}"
    director = api_client(app, "director")
    answer = director.get(f"/api/v1/kpi/?{period}&_l_=ru")
    assert answer.status_code == 200, answer.json
    figures = {item["key"]: item for item in answer.json["figures"]}
    assert figures["activity"]["value"] == pytest.approx(0.5)
    assert figures["activity"]["text"] == "50,0 %" and figures["activity"]["goal"] == 0.7
    assert figures["activity"]["meets_goal"] is False
    assert figures["profitability"]["meets_goal"] is True  # 30 % meets a goal of 30 %
    assert figures["revenue"]["text"].replace("\u00a0", " ") == "1 000,00"
    assert figures["sci"]["text"] == "4,25" and figures["sci"]["goal_text"] == "4,70"
    assert "SP-2" in figures["sci"]["source"] and figures["sci"]["definition"]
    quarters = answer.json["sci_quarters"]
    assert [q["responses"] for q in quarters] == [0, 0, 1, 3] and quarters[0]["value"] is None
    by_branch = {row["id"]: row for row in answer.json["by_branch"]}
    assert by_branch[data["north"]]["figures"]["clients"]["value"] == 3
    # A branch of the seeded list is named in the caller's language (Moscow: Москва).
    assert by_branch[data["north"]]["name"] == "Москва"
    head = api_client(app, "head_of_sales").get(f"/api/v1/kpi/?{period}").json
    assert head["whole_company"] is False
    assert {row["id"] for row in head["by_branch"]} == {data["north"]}
    south = director.get(f"/api/v1/kpi/?{period}&branch={data['south']}").json
    assert {item["key"]: item["value"] for item in south["figures"]}["clients"] == 1
    for wrong, argument in (
        ("from=31.10.2026&to=2026-11-01", "from"),
        (f"{period}&branch=999999", "branch"),
        (f"{period}&manager=x", "manager"),
        ("from=2026-10-31&to=2026-10-01", "to"),
    ):
        refused = director.get(f"/api/v1/kpi/?{wrong}")
        assert refused.status_code == 422 and argument in refused.json["message"], wrong


@pytest.mark.unit
def test_docs_kpi_is_generated_from_the_definitions():
    """docs/kpi.md is what `qms kpi definitions` writes: every figure with its definition,
    goal and the standard's clause it comes from."""
    from pathlib import Path

    from app.core.kpi.figures import FIGURES, definitions_markdown

    text = definitions_markdown()
    assert (Path(__file__).parent.parent / "docs" / "kpi.md").read_text() == text
    assert all(str(figure.clause) in text for figure in FIGURES)
    assert "≥ 4.7 (`QMS_KPI_SCI_TARGET`)" in text and "≥ 70% (`QMS_KPI_ACTIVITY_GOAL`)" in text


def test_a_figure_is_never_older_than_the_last_change(as_user, make, users, data):
    """The report is computed once per change of what it reads: asked again with nothing
    changed, or after a saved task, it is the same answer; after a new client (the audit
    trail moves for clients) it counts it; a head of sales never gets the director's."""
    with as_user(users["director"]):
        first = kpi_report(START, END)
        assert kpi_report(START, END) is first
    make.task(users["sales_manager"], title="No KPI reads tasks")
    with as_user(users["director"]):
        assert kpi_report(START, END) is first  # a saved task changes no figure
    make.client(users["sales_manager"], name="C6", created_on=datetime(2026, 10, 2))
    with as_user(users["director"]):
        after = kpi_report(START, END)
        assert after is not first and after.total["clients"] == first.total["clients"] + 1
    with as_user(users["head_of_sales"]):
        assert kpi_report(START, END).total["clients"] != after.total["clients"]


def test_the_twelve_month_trend(as_user, users, data):
    """Activity at each month's end and the revenue within it: September ends with C2 and
    C3 active of three (C2 paid on its last day), October with C1 and C2 of four; September's
    revenue is C2's 500, October's C1's 1,000; a month before anyone paid has none."""
    from app.core.kpi.report import kpi_trend

    with as_user(users["director"]):
        trend = kpi_trend(END)
    assert len(trend) == 12 and trend.index[-1] == date(2026, 10, 1)
    assert trend.loc[date(2026, 9, 1), "activity"] == pytest.approx(2 / 3)
    assert trend.loc[date(2026, 10, 1), "activity"] == pytest.approx(0.5)
    assert trend.loc[date(2026, 9, 1), "revenue"] == pytest.approx(500)
    assert trend.loc[date(2026, 10, 1), "revenue"] == pytest.approx(1000)
    assert trend.loc[date(2026, 1, 1), "revenue"] == 0
