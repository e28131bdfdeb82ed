"""`GET /health/detail`: why the background work lags, for administrators (and the
monitoring system they give a token): the readiness checks, queue depths, the workers with
their last heartbeat, who schedules and who waits, the last sweep and the failed jobs."""

from __future__ import annotations

from flask import current_app
from flask_appbuilder.api import BaseApi, expose, safe
from flask_appbuilder.security.decorators import protect

from app.core.permissions import METHOD_PERMISSIONS
from app.extensions import db
from app.web.health import readiness
from jobs.health import system_detail

# No role is granted it: Admin holds every permission.
SYSTEM_HEALTH = "SystemHealth"


class HealthApi(BaseApi):
    """/health/detail: the system's health in detail (administrators)."""

    resource_name = "health"
    route_base = "/health"
    class_permission_name = SYSTEM_HEALTH
    method_permission_name = {"detail": METHOD_PERMISSIONS["detail"]}
    openapi_spec_tag = "Health"
    # An administrator signed in on the screens opens it in the browser too.
    allow_browser_login = True

    @expose("/detail", methods=["GET"])
    @protect()
    @safe
    def detail(self):
        """The system's health in detail
        ---
        get:
          description: >-
            For administrators: the readiness checks (database at the migration head,
            Redis), per queue the jobs waiting, running and failed, each worker with its
            queues, state and last heartbeat, the scheduler holding the lock and those
            waiting, the last sweep and the newest failed jobs with their reason. Times are
            ISO 8601 in the business time zone. `/health/live` and `/health/ready` answer
            without sign-in and without detail.
          responses:
            200:
              description: The detail
            401:
              $ref: '#/components/responses/401'
            403:
              $ref: '#/components/responses/403'
        """
        checks = readiness()
        detail = system_detail(current_app.config, db.session)
        return self.response(200, ready=all(checks.values()), checks=checks, **detail)
