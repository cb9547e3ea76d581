"""Public disclosure screens (công khai khen thưởng): the index of the rounds the user may
read and a page per round; the round's secretariat sets the objection deadline there.

Who reads what is ``awards.disclosure.visible_rounds_for_disclosure`` (everyone inside the
round's unit, not only the office): a round outside it answers 404.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from thidua.awards import disclosure
from thidua.core import scoping
from thidua.core.roles import MANAGE_ROLES

DATE_INPUT = ["%d/%m/%Y"]


class DeadlineForm(forms.Form):
    objections_until = forms.DateField(
        label="Hạn tiếp nhận ý kiến", input_formats=DATE_INPUT,
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"class": "form-control",
                                                         "placeholder": "dd/mm/yyyy"}),
        error_messages={"invalid": "Ghi ngày theo dạng dd/mm/yyyy.",
                        "required": "Hãy nhập hạn tiếp nhận ý kiến."})

    def clean_objections_until(self):
        day = self.cleaned_data["objections_until"]
        if day < timezone.localdate():
            raise forms.ValidationError("Hạn tiếp nhận ý kiến không được trước hôm nay.")
        return day


def _may_set_deadline(user, award_round) -> bool:
    return scoping.covers(user, award_round.unit.path, MANAGE_ROLES)


@login_required
@require_GET
def index(request):
    rounds = list(disclosure.visible_rounds_for_disclosure(request.user)
                  .select_related("unit", "granting_unit").order_by("-year", "unit__path", "pk"))
    return render(request, "awards/disclosure_index.html", {
        "rounds": rounds, "today": timezone.localdate(),
        "breadcrumbs": [("Công khai khen thưởng", None)],
    })


def _round(request, pk):
    return get_object_or_404(disclosure.visible_rounds_for_disclosure(request.user)
                             .select_related("unit", "granting_unit", "movement"), pk=pk)


def _page(request, award_round, form=None):
    nominations = disclosure.proposed(award_round)
    can_set = _may_set_deadline(request.user, award_round)
    if can_set and form is None:
        form = DeadlineForm(initial={"objections_until": award_round.objections_until})
    return render(request, "awards/disclosure_detail.html", {
        "round": award_round, "today": timezone.localdate(),
        "rows": [(n, disclosure.proposed_form(n)) for n in nominations],
        "decisions": disclosure.decisions(award_round),
        "form": form if can_set else None,
        "breadcrumbs": [("Công khai khen thưởng", reverse("awards:disclosure_index")),
                        (award_round.name, None)],
    })


@login_required
@require_GET
def detail(request, pk):
    return _page(request, _round(request, pk))


@login_required
@require_POST
def set_deadline(request, pk):
    award_round = _round(request, pk)
    if not _may_set_deadline(request.user, award_round):
        raise PermissionDenied("Chỉ văn phòng, cán bộ thi đua của đơn vị đặt được hạn tiếp nhận "
                               "ý kiến.")
    form = DeadlineForm(request.POST)
    if not form.is_valid():
        return _page(request, award_round, form)
    award_round.objections_until = form.cleaned_data["objections_until"]
    award_round.save(update_fields=["objections_until"])
    messages.success(request, "Đã đặt hạn tiếp nhận ý kiến đến hết ngày "
                              f"{award_round.objections_until:%d/%m/%Y}.")
    return redirect("awards:disclosure_detail", pk=award_round.pk)


urlpatterns = [
    path("cong-khai/", index, name="disclosure_index"),
    path("cong-khai/<int:pk>/", detail, name="disclosure_detail"),
    path("cong-khai/<int:pk>/han-y-kien/", set_deadline, name="disclosure_deadline"),
]
