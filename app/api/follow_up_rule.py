"""REST resources `follow_up_rule`, `rule_run` (read only), `working_calendar`, `calendar_day`."""

from flask_appbuilder.api import expose, protect, safe

from app.api.base import QmsModelRestApi, ReadOnlyApi
from app.extensions import db
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

    @expose("/<int:pk>/preview", methods=["GET"])
    @protect()
    @safe
    def preview(self, pk):
        """The records the rule would act on now (without acting) and its recent runs.
        ---
        get:
          parameters:
          - in: path
            name: pk
            schema:
              type: integer
          responses:
            200:
              description: Would-be matches and run history
            404:
              $ref: '#/components/responses/404'
        """
        from jobs.rule_preview import history, preview

        rule = self.datamodel.get(pk, self._base_filters)
        if rule is None:
            return self.response_404()
        return self.response(
            200, preview=preview(db.session, rule), history=history(db.session, rule)
        )


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
