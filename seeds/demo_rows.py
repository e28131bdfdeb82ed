"""The rows of one chunk of demo clients and every record that hangs off them."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from app.core.domain import match_name
from app.core.models import (
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
    SurveyAnswer,
    SurveyResponse,
    Task,
)
from app.core.models.base import phone_key, search_key
from app.core.models.choices import AnswerType
from seeds import names

CURRENCY = {"ru": "RUB", "zh": "CNY", "en": "USD"}
CLIENT_STATUSES = (["new"] * 15) + (["active"] * 55) + (["inactive"] * 20) + (["lost"] * 10)
KINDS = ["contact"] * 6 + ["return_visit", "holiday_visit", "key_client_review", "service_review"]
COMPLAINT_STATUSES = ["registered", "investigating", "action", "resolved", "closed", "closed"]


class ClientRows:
    """Builds, with one random generator, the rows for `size` new clients."""

    def __init__(self, rng, as_of: date, users, reference, surveys, next_ids, size, answer_by):
        self.rng, self.as_of, self.users, self.size = rng, as_of, users, size
        # When a request received then must be answered (app/core/domain.py answer_due).
        self.answer_by = answer_by
        self.reference, self.surveys = reference, surveys
        self.ids = dict(next_ids)
        self.rows: dict = {}
        # The picture is of the business as the day `as_of` begins: nothing in it may have
        # been created later than the moment someone first looks at it.
        self.now = datetime.combine(as_of, time(0, 0))

    def _add(self, model, **row) -> int:
        row["id"] = self.ids[model]
        self.ids[model] += 1
        row.setdefault("created_on", self.now)
        row.setdefault("changed_on", row["created_on"])
        self.rows.setdefault(model, []).append(row)
        return row["id"]

    def _days_ago(self, low: int, high: int) -> datetime:
        moment = self.now - timedelta(
            days=self.rng.randint(low, high), minutes=self.rng.randint(0, 600)
        )
        return moment.replace(second=0)

    def _maybe(self, model, chance: float):
        ids = self.reference[model]
        return self.rng.choice(ids) if ids and self.rng.random() < chance else None

    def build(self) -> dict:
        for _ in range(self.size):
            self._client()
        return self.rows

    def _client(self) -> None:
        rng, language = self.rng, self.rng.choice(names.LANGUAGES)
        branch_id = rng.choice(list(self.users["managers"]))
        owner_id = rng.choice(self.users["managers"][branch_id])
        status = rng.choice(CLIENT_STATUSES)
        created = self._days_ago(30, 900)
        # Clients that worked with us were approved first; some prospects still wait.
        approved = rng.random() < 0.85 or status != "new"
        name = names.company(rng, language, self.ids[Client])
        client_id = self._add(
            Client,
            name=name,
            name_key=search_key(name),
            match_key=match_name(name),
            tax_id=str(7_700_000_000 + self.ids[Client]),
            status=status,
            industry_id=self._maybe(Industry, 0.93),
            segment_id=self._maybe(Segment, 0.9),
            source_id=self._maybe(Source, 0.93),
            needs=rng.choice(names.NEEDS[language]) if rng.random() < 0.9 else None,
            branch_id=branch_id,
            owner_id=owner_id,
            is_key=rng.random() < 0.05,
            approved_by_id=self.users["heads"][branch_id] if approved else None,
            approved_at=created + timedelta(days=1) if approved else None,
            is_complete=False,
            created_on=created,
            **self._loss(status, language, created),
        )
        contacts = [
            self._contact(client_id, names.person(rng, language), created, number)
            for number in range(rng.randint(1, 2))
        ]
        self._invoices(client_id, owner_id, status, language, created)
        for _ in range(rng.randint(0, 2)):
            self._interaction(client_id, contacts[0], owner_id, language)
        if rng.random() < 0.25:
            self._add(
                Task,
                title=rng.choice(["Call back", "Send the offer", "Plan a visit"]),
                client_id=client_id,
                assignee_id=owner_id,
                due_at=self.now + timedelta(days=rng.randint(-3, 14), hours=10),
                status="open",
                origin="manual",
            )
        if rng.random() < 0.2:
            self._inquiry(client_id, language)
        if rng.random() < 0.02:
            self._complaint(client_id, contacts[0], language)
        if rng.random() < 0.05:
            self._survey_response(client_id, contacts[0])

    def _loss(self, status: str, language: str, created: datetime) -> dict:
        """A lost client's reason, note and day; one active client in twenty was lost once
        and won back. Drawn from a generator of the client's own, so that the rest of the
        demo stays as it was."""
        rng = random.Random(self.ids[Client])
        won_back = status == "active" and rng.random() < 0.05
        reasons = self.reference.get(LossReason)
        if not reasons or (status != "lost" and not won_back):
            # Every row of a bulk insert names the same columns.
            return dict.fromkeys(("loss_reason_id", "loss_note", "lost_on", "won_back_on"))
        days = (self.as_of - created.date()).days
        lost_on = created.date() + timedelta(days=rng.randint(1, max(1, days - 2)))
        loss = {
            "loss_reason_id": rng.choice(reasons),
            "loss_note": rng.choice(names.LOSS_NOTES[language]),
            "lost_on": lost_on,
            "won_back_on": None,
        }
        if won_back:
            loss["won_back_on"] = lost_on + timedelta(
                days=rng.randint(1, max(1, (self.as_of - lost_on).days - 1))
            )
        return loss

    def _contact(self, client_id, full_name, created, number) -> int:
        rng = self.rng
        position = rng.choice(["CEO", "Buyer", "Engineer", "Accountant"])
        phone = self._phone()
        return self._add(
            Contact,
            client_id=client_id,
            full_name=full_name,
            full_name_key=search_key(full_name),
            position=position,
            phone=phone,
            phone_key=phone_key(phone),
            email=f"contact{self.ids[Contact]}@example.com",
            preferred_channel=rng.choice(["phone", "email", "messenger"]),
            is_primary=(number == 0 and rng.random() < 0.92),
            created_on=created,
        )

    def _phone(self) -> str:
        rng = self.rng
        return (
            f"+7 9{rng.randint(10, 99)} {rng.randint(100, 999)}-{rng.randint(10, 99)}-"
            f"{rng.randint(10, 99)}"
        )

    def _invoices(self, client_id, owner_id, status, language, created) -> None:
        rng = self.rng
        plan = {
            "new": ["on_approval"] if rng.random() < 0.6 else [],
            "active": ["paid"] + (["on_approval"] if rng.random() < 0.3 else []),
            "inactive": ["paid"],
            "lost": ["rejected"],
        }[status]
        for invoice_status in plan:
            recent = invoice_status == "on_approval" or status == "active"
            issued = self._days_ago(0, 20) if recent else self._days_ago(200, 800)
            amount = Decimal(rng.randint(1_000, 500_000)).quantize(Decimal("0.01"))
            invoice_id = self._add(
                Invoice,
                number=f"INV-{self.ids[Invoice]:08d}",
                client_id=client_id,
                issued_on=issued.date(),
                amount=amount,
                currency=CURRENCY[language],
                cost=(amount * Decimal(rng.randint(55, 75)) / 100).quantize(Decimal("0.01")),
                status=invoice_status,
                status_changed_at=issued + timedelta(days=2),
                rejection_reason="Client chose another supplier"
                if invoice_status == "rejected"
                else None,
                owner_id=owner_id,
                created_on=issued,
            )
            if invoice_status == "paid":
                self._add(
                    Payment,
                    invoice_id=invoice_id,
                    paid_on=(issued + timedelta(days=2)).date(),
                    amount=amount,
                    reference=f"PP-{invoice_id}",
                    created_on=issued,
                )

    def _interaction(self, client_id, contact_id, owner_id, language) -> None:
        rng = self.rng
        occurred = self._days_ago(0, 300)
        interest = rng.choice(["yes", "no", "unknown"])
        next_on = (
            occurred.date() + timedelta(days=rng.randint(7, 90))
            if interest == "no" or rng.random() < 0.4
            else None
        )
        self._add(
            Interaction,
            client_id=client_id,
            contact_id=contact_id,
            occurred_at=occurred,
            channel=rng.choice(["phone", "email", "visit", "messenger"]),
            kind=rng.choice(KINDS),
            summary=rng.choice(names.SUMMARIES[language]),
            interest=interest,
            next_contact_on=next_on,
            owner_id=owner_id,
            created_on=occurred,
        )

    def _inquiry(self, client_id, language) -> None:
        rng = self.rng
        received = self._days_ago(0, 60)
        answered = rng.random() < 0.9
        self._add(
            Inquiry,
            received_at=received,
            channel=rng.choice(["phone", "email", "website", "fax"]),
            client_id=client_id,
            contact_name=names.person(rng, language),
            contact_details=f"+86 1{rng.randint(30, 89)}{rng.randint(10_000_000, 99_999_999)}",
            subject=rng.choice(names.SUBJECTS[language]),
            text=None,
            nonstandard=rng.random() < 0.1,
            assignee_id=self.users["service"],
            first_response_at=received + timedelta(minutes=rng.randint(3, 50))
            if answered
            else None,
            status=rng.choice(["answered", "closed"]) if answered else "open",
            sla_due_at=self.answer_by(received),
            created_on=received,
        )

    def _complaint(self, client_id, contact_id, language) -> None:
        rng = self.rng
        status = rng.choice(COMPLAINT_STATUSES)
        stage = COMPLAINT_STATUSES.index(status)
        received = self._days_ago(5, 200)
        complaint_id = self._add(
            Complaint,
            number="",
            client_id=client_id,
            contact_id=contact_id,
            received_at=received,
            channel=rng.choice(["phone", "email"]),
            category=rng.choice(["product", "delivery", "service", "documents"]),
            description=rng.choice(names.COMPLAINTS[language]),
            severity=rng.choice(["low", "medium", "high", "critical"]),
            department_id=rng.choice(self.reference[Department]) if stage >= 1 else None,
            investigator_id=self.users["quality"] if stage >= 1 else None,
            root_cause="Carrier capacity shortage" if stage >= 2 else None,
            resolution="Replacement shipped; carrier changed" if stage >= 3 else None,
            resolved_at=received + timedelta(days=4) if stage >= 3 else None,
            client_satisfied="yes" if status == "closed" else "unknown",
            status=status,
            # a stage a day after the last; resolved on the fourth, closed three days on
            status_changed_at=min(received + timedelta(days=(0, 1, 2, 4, 7)[stage]), self.now),
            created_on=received,
        )
        if stage >= 2:
            # The responsible department carries the action out (resolved complaints have
            # it done); quality checks its effectiveness a month on, once the clock allows.
            done = stage >= 3
            checked = received + timedelta(days=30)
            verified = status == "closed" and checked <= self.now
            self._add(
                CorrectiveAction,
                complaint_id=complaint_id,
                description="Add a second carrier for the region",
                department_id=rng.choice(self.reference[Department]),
                responsible_id=self.users["service"],
                due_on=(received + timedelta(days=14)).date(),
                done_on=(received + timedelta(days=3)).date() if done else None,
                effectiveness_checked_on=checked.date() if verified else None,
                effective=True if verified else None,
                status="verified" if verified else "done" if done else "open",
                created_on=received,
            )

    def _survey_response(self, client_id, contact_id) -> None:
        rng = self.rng
        survey_id, questions = rng.choice(self.surveys)
        response_id = self._add(
            SurveyResponse,
            survey_id=survey_id,
            client_id=client_id,
            contact_id=contact_id,
            answered_on=self.as_of - timedelta(days=rng.randint(0, 10)),
            comment=None,
            score=None,
        )
        for question_id, answer_type in questions:
            self._add(
                SurveyAnswer,
                response_id=response_id,
                question_id=question_id,
                scale_value=rng.randint(2, 5) if answer_type == AnswerType.scale else None,
                yes_no_value=rng.random() < 0.8 if answer_type == AnswerType.yes_no else None,
                text_value="Faster delivery" if answer_type == AnswerType.text else None,
            )
