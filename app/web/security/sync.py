"""Brings the database's permissions and roles in line with the declared data; idempotent."""

from flask import current_app

from app.core.roles import ROLES, permissions_of
from app.web.views import menu


def sync_permissions_and_roles() -> dict[str, int]:
    """Create every view's permissions, then set each declared role to exactly its grants."""
    appbuilder = current_app.appbuilder
    sm = appbuilder.sm
    # FAB grants Admin each permission as it creates it, so Admin must exist first.
    admin = sm.add_role(sm.auth_role_admin)
    public = sm.add_role(sm.auth_role_public)
    appbuilder.add_permissions(update_perms=True)
    # Permissions of screens that are gone or renamed (QmsUserDBModelView's, before it took
    # FAB's name) would otherwise stay in the matrix for ever.
    appbuilder.security_cleanup()
    admin.permissions = sm.session.query(sm.permissionview_model).all()
    # Nobody signed out may do anything (signing in needs no permission); the security
    # manager relies on it (app/web/security/manager.py, is_item_public).
    public.permissions = []

    changes = {}
    for name in ROLES:
        role = sm.add_role(name)
        wanted = {
            sm.add_permission_view_menu(permission, view_menu)
            for permission, view_menu in sorted(permissions_of(name, menu()))
        }
        current = set(role.permissions)
        role.permissions = sorted(wanted, key=lambda pv: pv.id)
        changes[name] = len(wanted ^ current)
    sm.session.commit()
    return changes
