"""Person fields (owner, assignee, investigator, responsible, head): who may be named.

A person named on a record must hold a role that does that work (PERSON_FIELDS in the
role data) and be within the reach of whoever names them: a sales manager names only
themselves, a head of sales themselves and the people of the branches they head, the
other roles anyone eligible. The check runs on every save (screens, API, imports, jobs);
the same condition narrows the drop-downs and the API's `_info` and `related` lists.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_appbuilder.security.sqla.models import Role, assoc_user_role
from flask_babel import lazy_gettext as _

from app.core import models
from app.core.actor import (
    ADMIN,
    HEAD_OF_SALES,
    SALES_MANAGER,
    current_actor,
    role_names,
)
from app.core.models import User
from app.core.roles import PERSON_FIELDS
from app.core.scope import head_branches
from app.core.services import guard
from app.core.services.errors import NotAllowed


def reach(actor):
    """Whom the actor may name in a person field, as a condition on users (None: anyone)."""
    if actor is None:
        return None
    roles = role_names(actor)
    if ADMIN in roles or roles - {HEAD_OF_SALES, SALES_MANAGER}:
        return None  # the unrestricted roles (marketing, service, quality, the director)
    if HEAD_OF_SALES in roles:
        return sa.or_(User.id == actor.id, User.branch_id.in_(head_branches(actor)))
    if SALES_MANAGER in roles:
        return User.id == actor.id
    return sa.false()


def holders(entity: str, field: str):
    """Active users with a role that does the work of this field."""
    with_role = sa.select(assoc_user_role.c.user_id).join(
        Role, Role.id == assoc_user_role.c.role_id
    )
    return sa.and_(
        User.active.is_(True),
        User.id.in_(with_role.where(Role.name.in_(PERSON_FIELDS[(entity, field)]))),
    )


def eligible(entity: str, field: str, actor=None):
    """The users the actor may name as `field` of an `entity` record."""
    condition, within = holders(entity, field), reach(actor)
    return condition if within is None else sa.and_(condition, within)


def _is(session, condition, user_id) -> bool:
    found = session.execute(sa.select(User.id).where(User.id == user_id, condition)).first()
    return found is not None


def may_hold(session, entity: str, field: str, user_id) -> bool:
    """Whether the user's role does this work (whoever names them)."""
    return user_id is not None and guard.remembered(
        session,
        ("may_hold", entity, field, user_id),
        lambda: _is(session, holders(entity, field), user_id),
    )


def default_to_actor(change, entity: str, field: str) -> None:
    """A new record's empty person field becomes the actor, when the actor does that work
    (a customer service agent who registers a client does not become its owner)."""
    actor = current_actor()
    if (
        change.is_new
        and change.unset(field)
        and actor is not None
        and may_hold(change.session, entity, field, actor.id)
    ):
        change.link(field, actor.id)


def check_people(change) -> None:
    """Every changed person field names someone eligible and within the actor's reach."""
    entity, actor = type(change.obj).__name__, current_actor()
    for field in FIELDS[type(change.obj)]:
        user_id = change.current(f"{field}_id")
        if user_id is None or not change.changed(f"{field}_id"):
            continue
        if not may_hold(change.session, entity, field, user_id):
            raise NotAllowed(
                {field: _("Not a possible choice: choose an active user whose role does this job.")}
            )
        within = reach(actor)
        if within is not None and not guard.remembered(
            change.session,
            ("within_reach", getattr(actor, "id", None), user_id),
            lambda within=within, user_id=user_id: _is(change.session, within, user_id),
        ):
            raise NotAllowed(
                {
                    field: _(
                        "You cannot choose this user: you may choose yourself or, as a head of "
                        "sales, the people of the branches you head."
                    )
                }
            )


def _fields_by_model() -> dict[type, list[str]]:
    fields: dict[type, list[str]] = {}
    for entity, field in PERSON_FIELDS:
        fields.setdefault(getattr(models, entity), []).append(field)
    return fields


FIELDS = _fields_by_model()


def register() -> None:
    """Add the check after each entity's own (app/core/services/registry.py calls this last),
    so that the defaults those checks set are checked too."""
    for model in FIELDS:
        guard.checks(model)(check_people)
