"""The core workflow mechanism, proved on a small example record."""

import threading

import pytest
from django.db import connection

from tests.workflow_example.models import REPORT_WORKFLOW, ExampleReport
from thidua.core.models import TransitionLog
from thidua.core.workflow import OWNER, Transition, TransitionError, Workflow


@pytest.fixture
def report(tree, users):
    return ExampleReport.objects.create(unit=tree.cell_a1, owner=users["staff"], title="Báo cáo quý")


def test_owner_submits_and_the_transition_is_logged(report, users):
    log = REPORT_WORKFLOW.apply(report, "submit", users["staff"])
    report.refresh_from_db()
    assert report.state == "submitted"
    assert (log.from_state, log.to_state, log.actor, log.transition) == (
        "draft", "submitted", users["staff"], "submit")
    assert list(REPORT_WORKFLOW.history(report)) == [log]


def test_return_requires_a_reason_and_keeps_it(report, users):
    REPORT_WORKFLOW.apply(report, "submit", users["staff"])
    with pytest.raises(TransitionError, match="lý do"):
        REPORT_WORKFLOW.apply(report, "return", users["leader"], reason="   ")
    report.refresh_from_db()
    assert report.state == "submitted"
    log = REPORT_WORKFLOW.apply(report, "return", users["leader"], reason="Thiếu số liệu quý")
    assert log.reason == "Thiếu số liệu quý"
    # Back to the owner, who resubmits.
    REPORT_WORKFLOW.apply(report, "submit", users["staff"])
    assert [t.to_state for t in REPORT_WORKFLOW.history(report)] == ["submitted", "returned", "submitted"]


def test_roles_are_checked_on_the_records_unit(report, users):
    REPORT_WORKFLOW.apply(report, "submit", users["staff"])
    for name in ("other", "observer", "norole", "staff", "secretariat"):
        with pytest.raises(TransitionError, match="không có quyền"):
            REPORT_WORKFLOW.apply(report, "accept", users[name])
    REPORT_WORKFLOW.apply(report, "accept", users["leader"])
    assert report.state == "accepted"


def test_only_the_owner_may_submit(report, users):
    with pytest.raises(TransitionError):
        REPORT_WORKFLOW.apply(report, "submit", users["leader"])


def test_transition_from_wrong_state_is_refused(report, users):
    with pytest.raises(TransitionError, match="Nháp"):
        REPORT_WORKFLOW.apply(report, "accept", users["leader"])
    assert not TransitionLog.objects.exists()


def test_guard_message_reaches_the_user(report, users):
    report.title = ""
    report.save()
    with pytest.raises(TransitionError, match="chưa có tiêu đề"):
        REPORT_WORKFLOW.apply(report, "submit", users["staff"])


def test_available_lists_only_what_the_user_may_do(report, users):
    assert [t.name for t in REPORT_WORKFLOW.available(report, users["staff"])] == ["submit"]
    assert REPORT_WORKFLOW.available(report, users["leader"]) == []
    REPORT_WORKFLOW.apply(report, "submit", users["staff"])
    assert {t.name for t in REPORT_WORKFLOW.available(report, users["leader"])} == {"return", "accept"}
    assert [t.name for t in REPORT_WORKFLOW.available(report, users["secretariat"])] == ["return"]


def test_stale_copy_loses_to_the_first_reviewer(report, users):
    """Two reviewers open the same submitted record; the second is told, nothing is lost."""
    REPORT_WORKFLOW.apply(report, "submit", users["staff"])
    first = ExampleReport.objects.get(pk=report.pk)
    second = ExampleReport.objects.get(pk=report.pk)
    REPORT_WORKFLOW.apply(first, "accept", users["leader"])
    with pytest.raises(TransitionError, match="người khác"):
        REPORT_WORKFLOW.apply(second, "return", users["secretariat"], reason="Sai số liệu")
    assert ExampleReport.objects.get(pk=report.pk).state == "accepted"
    assert TransitionLog.objects.filter(to_state="returned").count() == 0


@pytest.mark.django_db(transaction=True)
def test_concurrent_reviewers_exactly_one_wins(tree, users):
    if connection.vendor == "sqlite":
        pytest.skip("SQLite in-memory test databases are not shared between threads")
    report = ExampleReport.objects.create(unit=tree.cell_a1, owner=users["staff"], title="x",
                                          state="submitted")
    outcomes = []
    barrier = threading.Barrier(2)

    def act(name, transition, reason=""):
        from django.db import connection as thread_connection

        copy = ExampleReport.objects.get(pk=report.pk)
        barrier.wait()
        try:
            REPORT_WORKFLOW.apply(copy, transition, users[name], reason=reason)
            outcomes.append("ok")
        except TransitionError:
            outcomes.append("refused")
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=act, args=("leader", "accept")),
               threading.Thread(target=act, args=("secretariat", "return", "Thiếu"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["ok", "refused"]
    assert TransitionLog.objects.filter(object_id=report.pk).count() == 1


def test_effect_runs_in_the_same_transaction(report, users):
    calls = []
    flow = Workflow(
        states={"draft": "Nháp", "submitted": "Đã gửi"}, initial="draft",
        transitions=[Transition("submit", "draft", "submitted", "Gửi", roles={OWNER},
                                effect=lambda obj, user, log: calls.append((obj.pk, log.to_state)))],
    )
    flow.apply(report, "submit", users["staff"])
    assert calls == [(report.pk, "submitted")]


def test_undeclared_states_are_refused_at_definition():
    with pytest.raises(ValueError):
        Workflow(states={"a": "A"}, initial="a", transitions=[Transition("t", "a", "b", "T")])


def test_a_failing_effect_rolls_back_the_state_and_the_log(report, users):
    def explode(obj, user, log):
        raise RuntimeError("hiệu ứng lỗi")

    flow = Workflow(
        states={"draft": "Nháp", "submitted": "Đã gửi"}, initial="draft",
        transitions=[Transition("submit", "draft", "submitted", "Gửi", roles={OWNER},
                                effect=explode)],
    )
    with pytest.raises(RuntimeError):
        flow.apply(report, "submit", users["staff"])
    assert report.state == "draft"
    assert ExampleReport.objects.get(pk=report.pk).state == "draft"
    assert not TransitionLog.objects.exists()
