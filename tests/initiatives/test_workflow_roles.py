"""The council's steps are applied through the council's own check only: no role holder
(not even the unit's admin) can recognise, refuse or schedule an application directly."""

import pytest

from thidua.core.workflow import TransitionError
from thidua.initiatives.models import INITIATIVE_WORKFLOW


@pytest.mark.parametrize("name,state", [("schedule", "accepted"), ("unschedule", "in_review"),
                                        ("recognise", "in_review"), ("refuse", "in_review")])
def test_council_steps_refused_to_role_holders(initiative_factory, users, name, state):
    initiative = initiative_factory(state=state)
    for role_user in (users["admin"], users["secretariat"]):
        assert INITIATIVE_WORKFLOW.refusal(initiative, name, role_user)
        with pytest.raises(TransitionError):
            INITIATIVE_WORKFLOW.apply(initiative, name, role_user, reason="thử")
    initiative.refresh_from_db()
    assert initiative.state == state
