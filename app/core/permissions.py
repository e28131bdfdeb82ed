"""One permission name per entity, shared by its view and its API; methods map to read/write."""

from typing import Any

from flask import current_app

from app.core.actor import has_role

READ = "read"
WRITE = "write"
APPROVE = "approve"
# Quality checks a corrective action's effectiveness without writing the action itself.
VERIFY = "verify"

# FAB method name → our permission (can_read / can_write) for views and APIs alike.
METHOD_PERMISSIONS = {
    # ModelView
    "list": READ,
    "show": READ,
    "download": READ,
    "api_read": READ,
    "api_get": READ,
    "api_column_add": READ,
    "api_column_edit": READ,
    "api_readvalues": READ,
    "add": WRITE,
    "edit": WRITE,
    "delete": WRITE,
    "action": WRITE,
    "action_post": WRITE,
    "api_create": WRITE,
    "api_update": WRITE,
    "api_delete": WRITE,
    "api": READ,
    # ModelRestApi (its `related`, `distinct` and `info` are guarded by get/info)
    "get": READ,
    "get_list": READ,
    "info": READ,
    "post": WRITE,
    "put": WRITE,
    # Domain operations
    APPROVE: APPROVE,
    VERIFY: VERIFY,
    "preview": READ,  # a follow-up rule's would-be matches and run history
    "done": WRITE,  # a task marked done with its result
    "export_xlsx": READ,  # a list as an Excel register (screen and API)
    "print_form": READ,  # a QMS form filled for one record
    "import_file": WRITE,  # a file brought into an entity (screen and API)
    "import_template": WRITE,  # the entity's import template
    # On an import's page, its importer's actions (each checks the entity's write too).
    "import_apply": READ,
    "import_recheck": READ,
    "import_report": READ,
    "import_revert": READ,  # (screen and API)
    # An incoming bank payment matched to an invoice, or dismissed (screen and API).
    "match": WRITE,
    "dismiss": WRITE,
    # A board of records by status, and a card moved to another status.
    "show_board": READ,
    "move_card": WRITE,
    # The calendar of due dates, and the user's own private calendar address.
    "show_calendar": READ,
    "feed_address": READ,
    # A research's file kept (screen and API); "download" above fetches it.
    "upload": WRITE,
    # A survey invitation's new link.
    "send_again": WRITE,
    # A draft scorecard's computed indicators worked out again; its workbook.
    "recompute": WRITE,
    "workbook": READ,
    # The navbar's search (each kind of result checks its own entity's read).
    "find": READ,
    # The system's health in detail (administrators).
    "detail": READ,
    # The records a form's link may name, by the start of their name (its writers).
    "choices": WRITE,
}


def holds(user: Any, access: str, permission_name: str) -> bool:
    """Whether `user` holds `access` (READ, WRITE…) on a permission name: the system (None)
    and Admin hold everything; for jobs and the command line, which have no request."""
    if has_role(user):
        return True
    permissions = current_app.appbuilder.sm.get_user_permissions(user)  # type: ignore[attr-defined]
    return (f"can_{access}", permission_name) in permissions
