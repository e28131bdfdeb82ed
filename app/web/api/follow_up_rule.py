"""REST resource `follow_up_rule`, with the preview of what a rule would do now."""

from flask_appbuilder.api import expose, protect, safe

from app.extensions import db
from app.rules.preview import history, preview
from app.web.api.base import QmsModelRestApi


class FollowUpRuleApi(QmsModelRestApi):
    """/api/v1/follow_up_rule/"""

    resource_name = "follow_up_rule"

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
        rule = self.datamodel.get(pk, self._base_filters)
        if rule is None:
            return self.response_404()
        return self.response(
            200, preview=preview(db.session, rule), history=history(db.session, rule)
        )
