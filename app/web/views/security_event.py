"""The security log screen: read only, newest first."""

from app.core.models.choices import SecurityEventKind
from app.web.views.base import ReadOnlyView
from app.web.views.formatters import business_time, choice_labels


class SecurityEventView(ReadOnlyView):
    """Sign-ins, failed sign-ins, sign-outs, refusals and rate-limit hits."""

    entity_key = "security_event"
    formatters_columns = {"event": choice_labels(SecurityEventKind), "occurred_at": business_time}
