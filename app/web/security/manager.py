"""FAB's security manager, reading a user's permissions once per request."""

import sqlalchemy as sa
from flask import g, has_request_context
from flask_appbuilder.security.api import SecurityApi
from flask_appbuilder.security.sqla.manager import SecurityManager
from flask_appbuilder.security.sqla.models import Permission, PermissionView, Role, ViewMenu

from app.core.services import security_log
from app.web.security import login, passwords
from app.web.security.login import LogoutEndpoint
from app.web.security.views import QmsUserDBModelView


class QmsSecurityApi(LogoutEndpoint, SecurityApi):
    """FAB's token login and refresh, and a logout that revokes the tokens. Its login is
    limited together with the login page (app/web/security/login.py)."""


class QmsSecurityManager(SecurityManager):
    """FAB asks the database once per permission check, and a page checks one permission
    per menu entry (about 40); here the user's permissions are read in one query and kept
    for the rest of the request, so a role change applies from the next request on."""

    security_api = QmsSecurityApi
    userdbmodelview = QmsUserDBModelView
    # FAB's user statistics chart loads its library from a CDN, which no page may do.
    userstatschartview = None

    def register_views(self) -> None:
        """FAB's security screens, without the groups menu: access is given by roles
        alone (app/core/roles.py), and a group would be a second, unlisted way."""
        super().register_views()
        security = self.appbuilder.menu.find("Security")
        if security is not None:
            security.childs = [item for item in security.childs if item.name != "List Groups"]

    def _has_view_access(self, user, permission_name: str, view_name: str) -> bool:
        if not has_request_context() or not getattr(user, "is_authenticated", False):
            return super()._has_view_access(user, permission_name, view_name)
        if getattr(user, "password_change_required", False):
            # Nothing but the new password (app/web/security/sessions.py).
            return view_name == "ResetMyPasswordView"
        cache = g.setdefault("qms_permissions", {})
        if user.id not in cache:
            cache[user.id] = self.permission_pairs(user)
        return (permission_name, view_name) in cache[user.id]

    def is_item_public(self, permission_name, view_name) -> bool:
        """Nothing is public: the Public role has no permission in the role data, and
        `qms init` keeps it empty (FAB would read that role twice a request to find so)."""
        return False

    def permission_pairs(self, user) -> set[tuple[str, str]]:
        """(permission, view menu) of all the user's roles (groups' too), in one query of
        plain tuples (FAB's own builds hundreds of ORM objects on every request)."""
        return self.role_pairs(self.get_user_roles(user))

    def role_pairs(self, roles) -> set[tuple[str, str]]:
        pairs = {
            (permission, view)
            for role in roles
            for view, permission in self.builtin_roles.get(role.name, ())
        }
        assoc = Role.permissions.property.secondary
        pairs |= set(
            self.session.execute(
                sa.select(Permission.name, ViewMenu.name)
                .select_from(PermissionView)
                .join(Permission, Permission.id == PermissionView.permission_id)
                .join(ViewMenu, ViewMenu.id == PermissionView.view_menu_id)
                .join(assoc, assoc.c.permission_view_id == PermissionView.id)
                .where(assoc.c.role_id.in_([role.id for role in roles]))
            ).tuples()
        )
        return pairs

    def auth_user_db(self, username, password):
        """FAB's password check, writing every success and failure to the security log
        (the attempted name only; FAB reports failures for unknown users to no hook) and
        counting failures per user name."""
        user = super().auth_user_db(username, password)
        if user is None:
            security_log.record(security_log.LOGIN_FAILED, username=username)
            login.failed(username)
        else:
            security_log.record(security_log.LOGIN, username=user.username, user_id=user.id)
            login.succeeded(username)
        return user

    def add_user(self, username, first_name, last_name, email, role, password="", *args, **kwargs):
        """FAB's add_user (the command line, seeds), with the password policy."""
        if password:
            passwords.check(password, username, first_name, last_name, email)
        return super().add_user(
            username, first_name, last_name, email, role, password, *args, **kwargs
        )

    def reset_password(self, userid, password):
        """A new password, under the policy. Chosen by the user: the change they were asked
        for is done. Set by an administrator: the user chooses their own at next sign-in."""
        user = self.get_user_by_id(userid)
        passwords.check(password, user.username, user.first_name, user.last_name, user.email)
        actor = g.get("user") if has_request_context() else None
        user.password_change_required = getattr(actor, "id", userid) != userid
        super().reset_password(userid, password)

    def on_user_logout(self, user) -> None:
        super().on_user_logout(user)
        security_log.record(security_log.LOGOUT, username=user.username, user_id=user.id)
