"""In-app notifications (and their e-mail copies), sent at most once per key.

``notify`` is what every app calls: for each user, one Notification row per
``key`` — so a reminder sent twice the same day (same key) is stored and
e-mailed once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.mail import send_mass_mail
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from thidua.core.models import Notification


@dataclass(frozen=True)
class Notice:
    users: tuple
    key: str
    title: str
    body: str = ""
    url: str = ""


def notify(users: Iterable, *, key: str, title: str, body: str = "", url: str = "",
           email: bool = True) -> int:
    """Notify ``users`` once per ``key``; return how many new notifications were made."""
    return notify_many([Notice(tuple(users), key, title, body, url)], email=email)


def notify_many(notices: Iterable[Notice], *, email: bool = True) -> int:
    """Send many notices in a fixed number of queries (reminding 5,000 units at once)."""
    notices = [n for n in notices if n.users]
    wanted = [(u, n) for n in notices for u in n.users if u is not None and u.is_active]
    if not wanted:
        return 0
    keys = {n.key for n in notices}
    already = set(Notification.objects.filter(key__in=keys, user__in={u.pk for u, _n in wanted})
                  .values_list("user_id", "key"))
    fresh, seen = [], set()
    for user, notice in wanted:
        if (user.pk, notice.key) not in already and (user.pk, notice.key) not in seen:
            seen.add((user.pk, notice.key))
            fresh.append((user, notice))
    Notification.objects.bulk_create(
        [Notification(user=u, key=n.key, title=n.title, body=n.body, url=n.url) for u, n in fresh],
        ignore_conflicts=True, batch_size=500)
    if email:
        base = settings.SITE_URL
        mails = [(f"[ThiĐua] {n.title}", f"{n.body}\n\n{base}{n.url}".strip(),
                  settings.DEFAULT_FROM_EMAIL, [u.email]) for u, n in fresh if u.email]
        if mails:
            send_mass_mail(mails, fail_silently=True)
    return len(fresh)


def unread_count(user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


@login_required
def notification_list(request):
    notifications = Notification.objects.filter(user=request.user)
    page = Paginator(notifications, 30).get_page(request.GET.get("page"))
    return render(request, "core/notifications.html", {
        "page_obj": page, "breadcrumbs": [("Thông báo", None)],
    })


@login_required
@require_POST
def notification_open(request, pk):
    """Mark one notification read and go where it points (only inside this site)."""
    notification = get_object_or_404(Notification, pk=pk, user=request.user)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    target = notification.url
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("notifications")


@login_required
@require_POST
def notification_read_all(request):
    Notification.objects.filter(user=request.user, read_at__isnull=True).update(
        read_at=timezone.now())
    return redirect("notifications")
