"""Flask-AppBuilder's user screen, with what qms-crm keeps of its staff."""

from flask_appbuilder.security.views import UserDBModelView
from flask_babel import lazy_gettext as _
from wtforms import BooleanField
from wtforms.validators import DataRequired

from app.core.labels import role_label
from app.web.security import passwords
from app.web.views.formatters import blank, role_names, yes_no

STAFF_COLUMNS = ["branch", "password_change_required"]


def _without_groups(columns) -> list:
    return [name for name in columns if name != "groups"]


class QmsUserDBModelView(UserDBModelView):
    """Users: FAB's fields, the branch a user works in (its head manages them and their
    clients) and a password change the administrator may require at the next login."""

    # FAB's name: the permissions of every role (their own profile, and the users screen
    # of the administrator) are granted on it.
    class_permission_name = "UserDBModelView"
    label_columns = {
        **UserDBModelView.label_columns,
        "branch": _("Branch"),
        "password_change_required": _("Must change the password at the next login"),
    }
    # Access comes from roles alone (roles.py): FAB's groups are left out of the screens.
    list_columns = _without_groups(UserDBModelView.list_columns) + ["branch"]
    add_columns = _without_groups(UserDBModelView.add_columns) + STAFF_COLUMNS
    edit_columns = _without_groups(UserDBModelView.edit_columns) + STAFF_COLUMNS
    search_columns = _without_groups(UserDBModelView.search_columns) + ["branch"]
    show_fieldsets = [
        (
            title,
            {
                **fieldset,
                "fields": _without_groups(fieldset["fields"])
                + (STAFF_COLUMNS if not index else []),
            },
        )
        for index, (title, fieldset) in enumerate(UserDBModelView.show_fieldsets)
    ]
    # FAB's list shows "True", "[Admin]" and "None".
    formatters_columns = {
        # FAB's user page shows "None" for a login count or time not yet recorded.
        **{
            name: blank
            for name in (
                "last_login",
                "login_count",
                "fail_login_count",
                "created_on",
                "changed_on",
                "created_by",
                "changed_by",
                "email",
                "first_name",
                "last_name",
                "username",
            )
        },
        "active": yes_no,
        "password_change_required": yes_no,
        "roles": role_names,
        "branch": blank,
    }
    validators_columns = {
        "roles": [DataRequired(message=_("Choose at least one role."))],
    }
    add_form_extra_fields = {
        **UserDBModelView.add_form_extra_fields,
        "password_change_required": BooleanField(
            _("Must change the password at the next login"), default=True
        ),
    }

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        # The role drop-down reads the roles translated, as the list does; an empty
        # branch reads "—" (FAB's showed "__None").
        for form in (self.add_form, self.edit_form):
            field = getattr(form, "roles", None)
            if field is not None:
                field.kwargs["get_label"] = lambda role: role_label(role.name)
            branch = getattr(form, "branch", None)
            if branch is not None:
                branch.kwargs["blank_text"] = "—"

    def pre_add(self, item) -> None:
        """The password policy with the user's own details as hints (FAB's form validator
        sees the password alone), then FAB's hashing."""
        passwords.check(item.password, item.username, item.first_name, item.last_name, item.email)
        super().pre_add(item)

    edit_form_extra_fields = {
        "password_change_required": BooleanField(
            _("Must change the password at the next login"), default=False
        ),
    }
