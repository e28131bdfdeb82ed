"""Every entity's REST resource under /api/v1/<key>/: the classes below where an entity has
operations of its own (approve, verify, preview, download), else one generated from the
entity's screen."""

from __future__ import annotations

from app.core.entities import ENTITIES
from app.imports.columns import importable
from app.web.api import rison_schemas
from app.web.api.bank_payment import BankPaymentApi
from app.web.api.base import QmsModelRestApi, ReadOnlyApi
from app.web.api.client import ClientApi
from app.web.api.corrective_action import CorrectiveActionApi
from app.web.api.export import ExportJobApi
from app.web.api.follow_up_rule import FollowUpRuleApi
from app.web.api.health import HealthApi
from app.web.api.import_endpoint import ImportEndpointMixin
from app.web.api.import_job import ImportJobApi
from app.web.api.kpi import KpiApi
from app.web.api.research_file import ResearchFileApi
from app.web.views import screen_of
from app.web.views.base import ReadOnlyView

# Resources with operations of their own; the others are generated once, here.
_APIS = {
    api.resource_name: api
    for api in (
        BankPaymentApi,
        ClientApi,
        CorrectiveActionApi,
        ExportJobApi,
        FollowUpRuleApi,
        ImportJobApi,
        ResearchFileApi,
    )
}


def api_of(key: str) -> type:
    """The REST resource class of an entity: its own, else a generated one."""
    if key in _APIS:
        return _APIS[key]
    screen = screen_of(key)
    base = ReadOnlyApi if issubclass(screen, ReadOnlyView) else QmsModelRestApi
    bases = (ImportEndpointMixin, base) if importable(ENTITIES[key]) else (base,)
    name = f"{ENTITIES[key].model.__name__}Api"
    api = type(name, bases, {"resource_name": key, "__doc__": f"/api/v1/{key}/"})
    _APIS[key] = api
    return api


def entity_apis() -> list[type]:
    return [api_of(entity.key) for entity in ENTITIES]


APIS = entity_apis()


def register_apis(appbuilder) -> None:
    rison_schemas.install()
    for api in (*APIS, KpiApi, HealthApi):
        appbuilder.add_api(api)
