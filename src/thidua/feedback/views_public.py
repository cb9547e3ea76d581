"""The public rating page: no login, no JavaScript, a tiny page of its own.

``/danh-gia/q/<token>/`` reaches a desk or an official at a desk. The
rating is refused (nothing stored) over the rate limits (HTTP 429), for a
dossier code already rated, or for an overlong comment (the form is kept).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_http_methods

from thidua.feedback import domain, limits
from thidua.feedback.forms import RatingForm
from thidua.feedback.models import DeskOfficial, ServiceDesk


def find(token: str) -> tuple[ServiceDesk | None, DeskOfficial | None]:
    desk = (ServiceDesk.objects.select_related("unit")
            .filter(token=token, is_active=True, unit__is_active=True).first())
    if desk is not None:
        return desk, None
    official = (DeskOfficial.objects.select_related("desk__unit", "person")
                .filter(token=token, is_active=True, desk__is_active=True,
                        desk__unit__is_active=True).first())
    if official is not None:
        return official.desk, official
    return None, None


@ensure_csrf_cookie
@require_http_methods(["GET", "POST"])
def rate(request, token: str):
    desk, official = find(token)
    if desk is None:
        return render(request, "feedback/public_missing.html", status=404)
    context = {"desk": desk, "official": official}
    if request.method == "POST":
        if limits.over_limit(request):
            return render(request, "feedback/public_limited.html", context, status=429)
        form = RatingForm(request.POST, desk=desk)
        if form.is_valid():
            data = form.cleaned_data
            try:
                domain.submit_rating(desk, official, level=data["level"],
                                     reasons=data["reasons"], comment=data["comment"],
                                     dossier_code=data["dossier_code"],
                                     client_key=limits.client_key(request))
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    for error in errors:
                        form.add_error(field if field in form.fields else None, error)
            else:
                limits.count(request)
                return redirect("feedback:thanks", token)
    else:
        form = RatingForm(desk=desk)
    context["form"] = form
    return render(request, "feedback/public_form.html", context)


@require_http_methods(["GET"])
def thanks(request, token: str):
    """After a stored rating (redirected, so that reloading does not rate twice)."""
    desk, official = find(token)
    if desk is None:
        return render(request, "feedback/public_missing.html", status=404)
    return render(request, "feedback/public_thanks.html", {"desk": desk, "official": official})
