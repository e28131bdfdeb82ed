"""REST resources for the reference lists."""

from app.api.base import QmsModelRestApi
from app.views.reference import BranchView, DepartmentView, IndustryView, SegmentView, SourceView


class BranchApi(QmsModelRestApi):
    """/api/v1/branch/"""

    resource_name = "branch"
    view = BranchView


class DepartmentApi(QmsModelRestApi):
    """/api/v1/department/"""

    resource_name = "department"
    view = DepartmentView


class IndustryApi(QmsModelRestApi):
    """/api/v1/industry/"""

    resource_name = "industry"
    view = IndustryView


class SourceApi(QmsModelRestApi):
    """/api/v1/source/"""

    resource_name = "source"
    view = SourceView


class SegmentApi(QmsModelRestApi):
    """/api/v1/segment/"""

    resource_name = "segment"
    view = SegmentView
