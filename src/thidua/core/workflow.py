"""One workflow mechanism for every reviewable record.

A record class declares its states and transitions once::

    workflow = Workflow(
        states={"draft": "Nháp", "submitted": "Đã gửi", ...},
        initial="draft",
        transitions=[
            Transition("submit", ["draft", "returned"], "submitted", "Gửi", roles={OWNER}),
            Transition("return", ["submitted"], "returned", "Trả lại",
                       roles={Role.LEADER}, reason_required=True),
        ],
    )

and every change of state goes through :meth:`Workflow.apply`, which checks
the actor's role on the record's unit (``OWNER`` means the record's own
author, as the model's ``workflow_owner_id`` says), demands a reason where
declared, changes the state with a compare-and-set (two reviewers acting at
once: one wins, the other is told), and logs the transition.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction

from thidua.core import scoping
from thidua.core.text import clean_text

OWNER = "owner"


class TransitionError(ValidationError):
    """A transition that may not happen now; the message is for the user."""


class TransitionForbidden(TransitionError):
    """The actor holds no role for this transition on this record (the API answers 403)."""


@dataclass(frozen=True, init=False)
class Transition:
    name: str
    sources: tuple[str, ...]
    target: str
    label: str
    roles: frozenset[str] = field(default_factory=frozenset)
    reason_required: bool = False
    #: Extra condition ``(obj, user) -> str | None``: a message when refused.
    guard: Callable | None = None
    #: Run inside the transaction after the state changed: ``(obj, user, log)``.
    effect: Callable | None = None

    def __init__(self, name, sources, target, label, roles=(), reason_required=False,
                 guard=None, effect=None):
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "sources", tuple([sources] if isinstance(sources, str) else sources))
        object.__setattr__(self, "target", target)
        object.__setattr__(self, "label", label)
        object.__setattr__(self, "roles", frozenset(roles))
        object.__setattr__(self, "reason_required", reason_required)
        object.__setattr__(self, "guard", guard)
        object.__setattr__(self, "effect", effect)


class Workflow:
    def __init__(self, states: dict[str, str], initial: str, transitions: Iterable[Transition],
                 state_field: str = "state"):
        self.states = dict(states)
        self.initial = initial
        self.state_field = state_field
        self.transitions = {t.name: t for t in transitions}
        unknown = {s for t in self.transitions.values() for s in (*t.sources, t.target)} - set(states)
        if initial not in states or unknown:
            raise ValueError(f"Workflow names undeclared states: {unknown or initial}")

    def choices(self) -> list[tuple[str, str]]:
        return list(self.states.items())

    def label(self, state: str) -> str:
        return self.states.get(state, state)

    # Permission --------------------------------------------------------------
    def _actor_may(self, transition: Transition, obj, user) -> bool:
        if user is None or not user.is_authenticated:
            return False
        roles = set(transition.roles)
        if OWNER in roles:
            roles.discard(OWNER)
            owner_id = getattr(obj, "workflow_owner_id", None)
            if owner_id is not None and owner_id == user.pk:
                return True
        return bool(roles) and scoping.covers(user, scoping.unit_path_of(obj), roles)

    def refusal(self, obj, name: str, user) -> str | None:
        """Why ``user`` may not apply ``name`` to ``obj`` now, or ``None``."""
        transition = self.transitions.get(name)
        if transition is None:
            return "Thao tác không hợp lệ."
        state = getattr(obj, self.state_field)
        if state not in transition.sources:
            return (f"Không thể “{transition.label.lower()}” khi hồ sơ đang ở trạng thái "
                    f"“{self.label(state)}”.")
        if not self._actor_may(transition, obj, user):
            return f"Bạn không có quyền “{transition.label.lower()}” hồ sơ này."
        if transition.guard is not None:
            return transition.guard(obj, user)
        return None

    def available(self, obj, user) -> list[Transition]:
        """Transitions ``user`` may apply to ``obj`` now, for the buttons of a page."""
        return [t for t in self.transitions.values() if self.refusal(obj, t.name, user) is None]

    # Change --------------------------------------------------------------------
    def apply(self, obj, name: str, user, reason: str = ""):
        """Apply transition ``name`` to ``obj`` as ``user``; return the log entry."""
        from thidua.core.models import TransitionLog

        refusal = self.refusal(obj, name, user)
        if refusal:
            transition = self.transitions.get(name)
            forbidden = (transition is not None
                         and getattr(obj, self.state_field) in transition.sources
                         and not self._actor_may(transition, obj, user))
            raise (TransitionForbidden if forbidden else TransitionError)(refusal)
        transition = self.transitions[name]
        reason = clean_text(reason)
        if transition.reason_required and not reason:
            raise TransitionError(f"Cần ghi rõ lý do khi “{transition.label.lower()}”.")
        source = getattr(obj, self.state_field)
        model = type(obj)
        with transaction.atomic():
            changed = model._default_manager.filter(
                pk=obj.pk, **{self.state_field: source}
            ).update(**{self.state_field: transition.target})
            if not changed:
                raise TransitionError(
                    "Hồ sơ vừa được người khác thay đổi trạng thái. Hãy tải lại trang để xem "
                    "trạng thái mới nhất; thao tác của bạn chưa được ghi."
                )
            log = TransitionLog.objects.create(
                content_type=ContentType.objects.get_for_model(model),
                object_id=obj.pk,
                transition=name,
                from_state=source,
                to_state=transition.target,
                actor=user,
                reason=reason,
            )
            if transition.effect is not None:
                setattr(obj, self.state_field, transition.target)
                try:
                    transition.effect(obj, user, log)
                except BaseException:
                    setattr(obj, self.state_field, source)  # rolled back: so is the copy
                    raise
        # Only now, with the change committed (or the outer transaction's), does
        # the caller's copy take the new state.
        setattr(obj, self.state_field, transition.target)
        return log

    def log_created(self, rows: list, name: str, user, source: str | None = None) -> None:
        """Log transition ``name`` for ``rows`` created directly in its target state (a bulk
        write that checked the actor's authority itself): one bulk insert of the log."""
        from thidua.core.models import TransitionLog

        if not rows:
            return
        transition = self.transitions[name]
        content_type = ContentType.objects.get_for_model(type(rows[0]))
        TransitionLog.objects.bulk_create(
            [TransitionLog(content_type=content_type, object_id=row.pk, transition=name,
                           from_state=source or transition.sources[0],
                           to_state=transition.target, actor=user) for row in rows],
            batch_size=1000)

    def history(self, obj):
        from thidua.core.models import TransitionLog

        return TransitionLog.objects.for_object(obj).select_related("actor")
