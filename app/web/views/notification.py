"""My notifications: what follow-up rules told me, newest first; opening one marks it read."""

from types import SimpleNamespace

import sqlalchemy as sa
from flask_appbuilder import expose, has_access
from flask_appbuilder.models.sqla.filters import FilterEqualFunction

from app.core.actor import current_actor_id
from app.core.clock import business_now
from app.core.models import Notification
from app.core.permissions import READ
from app.extensions import db
from app.web.security.scope import ScopeFilter
from app.web.views.base import QmsModelView
from app.web.views.formatters import origin_label, record_kind
from app.web.views.local_values import show_count
from app.web.views.task import record_url


class NotificationView(QmsModelView):
    """The signed-in user's notifications (an administrator sees everyone's)."""

    def show_extras(self, pk) -> dict:
        item = self.visible(pk)
        return {"record_url": record_url(item.related_entity, item.related_id)} if item else {}

    entity_key = "notification"
    formatters_columns = {"origin": origin_label, "related_entity": record_kind}
    base_permissions = [f"can_{READ}"]
    show_template = "notification_show.html"


class MyNotificationView(NotificationView):
    """Only mine, even for an administrator; reading one marks it read."""

    route_base = "/mynotifications"
    variant = "mine"
    base_filters = [
        ["id", ScopeFilter, None],
        ["user_id", FilterEqualFunction, current_actor_id],
    ]

    @expose("/show/<pk>", methods=["GET"])
    @has_access
    def show(self, pk):
        item = self.visible(pk)
        if item is not None and item.read_at is None:
            item.read_at = business_now()
            db.session.commit()
        return super().show(pk)


# The bell lists this many of the newest unread notifications.
BELL_ROWS = 5


def unread_notifications() -> SimpleNamespace:
    """The signed-in user's unread notifications for the navbar's bell: how many (as the
    badge writes it) and the newest few; two indexed queries."""
    user_id = current_actor_id()
    if user_id is None:
        return SimpleNamespace(count=0, count_text="", latest=[])
    unread = sa.select(Notification).where(
        Notification.user_id == user_id, Notification.read_at.is_(None)
    )
    count = db.session.scalar(sa.select(sa.func.count()).select_from(unread.subquery())) or 0
    latest = db.session.scalars(
        unread.order_by(Notification.created_on.desc(), Notification.id.desc()).limit(BELL_ROWS)
    ).all()
    return SimpleNamespace(
        count=count, count_text="99+" if count > 99 else show_count(count), latest=latest
    )
