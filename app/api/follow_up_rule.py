"""REST resources `follow_up_rule`, `rule_run` (read only), `working_calendar`, `calendar_day`."""

from app.api.base import QmsModelRestApi, ReadOnlyApi
from app.views.follow_up_rule import (
    CalendarDayView,
    FollowUpRuleView,
    RuleRunView,
    WorkingCalendarView,
)


class FollowUpRuleApi(QmsModelRestApi):
    """/api/v1/follow_up_rule/"""

    resource_name = "follow_up_rule"
    view = FollowUpRuleView


class RuleRunApi(ReadOnlyApi):
    """/api/v1/rule_run/"""

    resource_name = "rule_run"
    view = RuleRunView


class WorkingCalendarApi(QmsModelRestApi):
    """/api/v1/working_calendar/"""

    resource_name = "working_calendar"
    view = WorkingCalendarView


class CalendarDayApi(QmsModelRestApi):
    """/api/v1/calendar_day/"""

    resource_name = "calendar_day"
    view = CalendarDayView
