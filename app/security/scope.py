"""Row-level rules as SQL conditions: one definition for lists, API, drop-downs and exports."""

from __future__ import annotations

import sqlalchemy as sa
from flask_appbuilder.models.filters import BaseFilter

from app.models import (
    Branch,
    Client,
    Complaint,
    Contact,
    CorrectiveAction,
    ExportJob,
    Inquiry,
    Interaction,
    Invoice,
    Notification,
    Payment,
    SurveyAnswer,
    SurveyResponse,
    Task,
)
from app.services.actor import (
    ADMIN,
    CUSTOMER_SERVICE,
    DIRECTOR,
    HEAD_OF_SALES,
    MARKETING,
    QUALITY_OFFICER,
    SALES_MANAGER,
    current_actor,
    role_names,
)

# Roles that see every client; Sales Manager and Head of Sales are limited.
UNRESTRICTED = {ADMIN, MARKETING, CUSTOMER_SERVICE, QUALITY_OFFICER, DIRECTOR}


def client_condition(actor):
    """Which clients the actor may see; None means all of them (the system only).
    An anonymous actor has no roles and so sees nothing."""
    if actor is None:
        return None
    roles = role_names(actor)
    if roles & UNRESTRICTED:
        return None
    conditions = []
    if HEAD_OF_SALES in roles:
        branches = sa.select(Branch.id).where(Branch.head_id == actor.id)
        conditions += [Client.branch_id.in_(branches), Client.owner_id == actor.id]
    if SALES_MANAGER in roles:
        conditions.append(Client.owner_id == actor.id)
    return sa.or_(*conditions) if conditions else sa.false()


def _of_visible_clients(column, condition):
    return column.in_(sa.select(Client.id).where(condition))


def condition_for(model, actor=None):
    """The SQL condition limiting `model` to what the actor may see (None: no limit)."""
    actor = actor if actor is not None else current_actor()
    if model in (Notification, ExportJob):  # personal, whatever the user's client scope
        if actor is None:
            return None
        return None if ADMIN in role_names(actor) else model.user_id == actor.id
    condition = client_condition(actor)
    if condition is None:
        return None
    if model is Client:
        return condition
    if model in (Contact, Interaction, Invoice, Complaint, SurveyResponse):
        return _of_visible_clients(model.client_id, condition)
    if model is Payment:
        invoices = sa.select(Invoice.id).where(_of_visible_clients(Invoice.client_id, condition))
        return Payment.invoice_id.in_(invoices)
    if model is SurveyAnswer:
        responses = sa.select(SurveyResponse.id).where(
            _of_visible_clients(SurveyResponse.client_id, condition)
        )
        return SurveyAnswer.response_id.in_(responses)
    if model in (Task, Inquiry):
        return sa.or_(
            model.assignee_id == actor.id, _of_visible_clients(model.client_id, condition)
        )
    if model is CorrectiveAction:
        complaints = sa.select(Complaint.id).where(
            _of_visible_clients(Complaint.client_id, condition)
        )
        return sa.or_(
            CorrectiveAction.responsible_id == actor.id,
            CorrectiveAction.complaint_id.in_(complaints),
        )
    return None


def is_visible(session, model, pk, actor=None) -> bool:
    """Whether the record `pk` of `model` exists and the actor may see it."""
    statement = sa.select(model.id).where(model.id == pk)
    condition = condition_for(model, actor)
    if condition is not None:
        statement = statement.where(condition)
    return session.execute(statement).first() is not None


class ScopeFilter(BaseFilter):
    """FAB base filter applying `condition_for` to the view's or API's model."""

    name = "Row-level scope"
    arg_name = None

    def apply(self, query, value):
        condition = condition_for(self.model)
        return query if condition is None else query.filter(condition)


class EligibleUserFilter(BaseFilter):
    """FAB base filter on users: those the current user may name in the person field
    `value` = (entity, field) (see app/services/people.py)."""

    name = "Eligible people"
    arg_name = None

    def apply(self, query, value):
        from app.services.people import eligible

        return query.filter(eligible(*value, actor=current_actor()))


SCOPED_MODELS = (
    Client,
    Contact,
    Interaction,
    Invoice,
    Payment,
    Complaint,
    SurveyResponse,
    SurveyAnswer,
    Task,
    Inquiry,
    CorrectiveAction,
)
