"""FAB's security manager, reading a user's permissions once per request."""

from flask import current_app, g, has_request_context
from flask_appbuilder.security.api import SecurityApi
from flask_appbuilder.security.sqla.manager import SecurityManager
from flask_appbuilder.utils.limit import Limit
from flask_limiter.util import get_remote_address

from app.security.views import QmsUserDBModelView


class QmsSecurityApi(SecurityApi):
    """FAB's token login, limited like the login page: FAB limits only the page, so
    without this the API would be the way round the limit."""

    limits = [
        Limit(
            lambda: current_app.config["AUTH_RATE_LIMIT"],
            key_func=get_remote_address,
            methods=("POST",),
            exempt_when=lambda: not current_app.config["AUTH_RATE_LIMITED"],
        )
    ]


class QmsSecurityManager(SecurityManager):
    """FAB asks the database once per permission check, and a page checks one permission
    per menu entry (about 40); here the user's permissions are read in one query and kept
    for the rest of the request, so a role change applies from the next request on."""

    security_api = QmsSecurityApi
    userdbmodelview = QmsUserDBModelView

    def _has_view_access(self, user, permission_name: str, view_name: str) -> bool:
        if not has_request_context() or not getattr(user, "is_authenticated", False):
            return super()._has_view_access(user, permission_name, view_name)
        cache = g.setdefault("qms_permissions", {})
        if user.id not in cache:
            try:
                grants = self.get_user_roles_permissions(user)
            except AttributeError:  # a user without roles or groups has no permission
                grants = {}
            cache[user.id] = {pair for pairs in grants.values() for pair in pairs}
        return (permission_name, view_name) in cache[user.id]

    def auth_user_db(self, username, password):
        """FAB's password check, writing every success and failure to the security log
        (the attempted name only; FAB reports failures for unknown users to no hook)."""
        from app.services import security_log

        user = super().auth_user_db(username, password)
        if user is None:
            security_log.record(security_log.LOGIN_FAILED, username=username)
        else:
            security_log.record(security_log.LOGIN, username=user.username, user_id=user.id)
        return user

    def on_user_logout(self, user) -> None:
        from app.services import security_log

        super().on_user_logout(user)
        security_log.record(security_log.LOGOUT, username=user.username, user_id=user.id)
