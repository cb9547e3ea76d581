"""The public rating page: no login, no JavaScript, a tiny page of its own.

``/danh-gia/q/<token>/`` reaches a desk or an official at a desk. The
rating is refused (nothing stored) over the rate limits (HTTP 429), for a
dossier code already rated, or for an overlong comment (the form is kept).
"""

from __future__ import annotations

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from thidua.feedback import domain, limits
from thidua.feedback.forms import RatingForm
from thidua.feedback.models import DeskOfficial, ServiceDesk

#: How long a token's desk (and official) stay in the cache. Saving or deleting a desk or
#: an official, or closing its unit, forgets its tokens at once (signals in
#: :mod:`thidua.feedback.apps`) in this process's cache, and in every process when the
#: cache is shared (THIDUA_CACHE_URL); another gunicorn worker's local cache follows within
#: this time (a deleted one is refused there as missing: see domain.RatingTargetGone).
TOKEN_TTL = 60


def token_key(token: str) -> str:
    return f"feedback:token:{token}"


def _lookup(token: str) -> tuple[ServiceDesk | None, DeskOfficial | None]:
    desk = (ServiceDesk.objects.select_related("unit").order_by()
            .filter(token=token, is_active=True, unit__is_active=True)[:1])
    for found in desk:
        return found, None
    official = (DeskOfficial.objects.select_related("desk__unit", "person").order_by()
                .filter(token=token, is_active=True, desk__is_active=True,
                        desk__unit__is_active=True)[:1])
    for found in official:
        return found.desk, found
    return None, None


def find(token: str) -> tuple[ServiceDesk | None, DeskOfficial | None]:
    """The desk (and official) of a QR token, from the cache when seen in the last minute.

    A rating page is opened by many citizens with the same few tokens: the two
    lookups with their joins were half the work of a rating. Unknown tokens are
    not cached (a stranger's guesses would fill the cache), so each costs its
    two indexed lookups and a 404.
    """
    if len(token) > 64:
        return None, None
    key = token_key(token)
    found = cache.get(key)
    if found is None:
        found = _lookup(token)
        if found[0] is not None:
            cache.set(key, found, TOKEN_TTL)
    return found


def forget_tokens(sender, instance, **kwargs) -> None:
    """After a desk or an official is saved or deleted: its token (and a desk's
    officials') anew."""
    tokens = [instance.token]
    if isinstance(instance, ServiceDesk):
        tokens += list(instance.officials.values_list("token", flat=True))
    cache.delete_many([token_key(token) for token in tokens])


def forget_closed_unit_tokens(sender, instance, **kwargs) -> None:
    """After a unit is saved inactive (closed, merged): the codes of its desks and their
    officials stop at once (two indexed reads, only when a unit is closed)."""
    if instance.is_active:
        return
    desks = list(ServiceDesk.objects.filter(unit_id=instance.pk).values_list("token", flat=True))
    if not desks:
        return
    officials = DeskOfficial.objects.filter(desk__unit_id=instance.pk).values_list("token",
                                                                                   flat=True)
    cache.delete_many([token_key(token) for token in [*desks, *officials]])


@require_http_methods(["GET", "POST"])
def rate(request, token: str):
    desk, official = find(token)
    if desk is None:
        return render(request, "feedback/public_missing.html", status=404)
    context = {"desk": desk, "official": official}
    if request.method == "POST":
        # (The form's CSRF cookie came with the GET; a stored rating answers a bare redirect,
        # a refused one renders the form, whose {% csrf_token %} renews it.)
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
            except domain.RatingTargetGone:
                cache.delete(token_key(token))
                return render(request, "feedback/public_missing.html", status=404)
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    for error in errors:
                        form.add_error(field if field in form.fields else None, error)
            else:
                limits.count(request)
                return redirect(reverse("feedback:thanks", args=[token]))
    else:
        get_token(request)  # the CSRF cookie goes out with the form (a phone has none yet)
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


@require_http_methods(["GET"])
def minimal(request):
    """The benchmark's ceiling: mounted only with ``THIDUA_BENCH_MINIMAL_VIEW=1``."""
    return HttpResponse("ok", content_type="text/plain")
