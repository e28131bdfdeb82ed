"""Row-level scope as FAB filters: every list, API and drop-down applies the scope its
entity declares (app/core/entities/, read through app/core/visible.py)."""

from __future__ import annotations

from flask_appbuilder.models.filters import BaseFilter
from flask_appbuilder.security.sqla.models import Role

from app.core.actor import ADMIN, current_actor, role_names
from app.core.models import Branch, User
from app.core.scope import head_branches
from app.core.services.people import eligible
from app.core.visible import condition_for


class ScopeFilter(BaseFilter):
    """FAB base filter applying `condition_for` to the view's or API's model."""

    name = "Row-level scope"
    arg_name = None

    def apply(self, query, value):
        condition = condition_for(self.model)
        return query if condition is None else query.filter(condition)


class EligibleUserFilter(BaseFilter):
    """FAB base filter on users: those the current user may name in the person field
    `value` = (entity, field) (see app/core/services/people.py)."""

    name = "Eligible people"
    arg_name = None

    def apply(self, query, value):
        return query.filter(eligible(*value, actor=current_actor()))


class HoldsRoleFilter(BaseFilter):
    """FAB base filter on users: those holding one of the roles `value`, active."""

    name = "Holds a role"
    arg_name = None

    def apply(self, query, value):
        return query.filter(User.active.is_(True), User.roles.any(Role.name.in_(value)))


class HeadedBranchFilter(BaseFilter):
    """FAB base filter on branches: a head of sales' own (an administrator's: all)."""

    name = "Headed branches"
    arg_name = None

    def apply(self, query, value):
        actor = current_actor()
        if actor is None or ADMIN in role_names(actor):
            return query
        return query.filter(Branch.id.in_(head_branches(actor)))
