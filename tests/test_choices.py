"""Choices carry their own labels: per enum, translated where shown, never the stored key."""

from enum import StrEnum

import pytest
from flask_babel import force_locale
from flask_babel import lazy_gettext as _

from app.core.models import choices
from app.core.models.choices import Choice, InquiryStatus, TaskStatus

ENUMS = [
    enum
    for enum in vars(choices).values()
    if isinstance(enum, type) and issubclass(enum, Choice) and enum is not Choice
]


@pytest.mark.parametrize("enum", ENUMS, ids=lambda enum: enum.__name__)
def test_every_member_is_declared_with_a_label(enum):
    """Each member has a label of its own (a lazy string), not its stored value."""
    for member in enum:
        assert member.name == member.value
        assert not isinstance(member.label, str), f"{enum.__name__}.{member.name}"
        assert str(member.label).strip()


def test_the_same_value_may_read_differently_in_two_enums():
    """Labels are keyed by enum, not by the bare stored value."""

    class Door(Choice):
        open = "open", _("Ajar")

    assert Door.label_for("open") == "Ajar"
    assert TaskStatus.label_for("open") == "Open"
    assert InquiryStatus.open.label == TaskStatus.open.label


def test_a_value_of_no_member_reads_as_itself():
    """An old or hand-typed value is shown as stored rather than failing."""
    assert TaskStatus.label_for("archived") == "archived"


def test_members_stay_plain_stored_strings():
    """A member compares, hashes and formats as its stored string (SQL, JSON, rules)."""
    assert isinstance(TaskStatus.done, StrEnum)
    assert TaskStatus.done == "done"
    assert f"{TaskStatus.done}" == "done"
    assert TaskStatus("done") is TaskStatus.done
    assert {"done": 1}[TaskStatus.done] == 1


def test_labels_are_translated_where_shown(ctx):
    """The label is lazy: it reads in the language current when it is shown."""
    label = TaskStatus.open.label
    with force_locale("ru"):
        russian = str(label)
    with force_locale("zh"):
        chinese = str(label)
    with force_locale("en"):
        english = str(label)
    assert english == "Open"
    assert len({english, russian, chinese}) == 3
