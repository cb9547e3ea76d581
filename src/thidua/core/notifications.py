"""In-app notifications (and their e-mail copies), sent at most once per key.

``notify`` is what every app calls: for each user, one Notification row per
``key`` — so a reminder sent twice the same day (same key) is stored and
e-mailed once.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.mail import send_mass_mail
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from thidua.core.models import Notification


def notify(users: Iterable, *, key: str, title: str, body: str = "", url: str = "",
           email: bool = True) -> int:
    """Notify ``users`` once per ``key``; return how many new notifications were made."""
    users = [u for u in users if u is not None and u.is_active]
    if not users:
        return 0
    already = set(Notification.objects.filter(user__in=users, key=key)
                  .values_list("user_id", flat=True))
    fresh = [u for u in users if u.pk not in already]
    Notification.objects.bulk_create(
        [Notification(user=u, key=key, title=title, body=body, url=url) for u in fresh],
        ignore_conflicts=True)
    if email:
        messages = [(f"[ThiĐua] {title}", f"{body}\n\n{url}".strip(), settings.DEFAULT_FROM_EMAIL,
                     [u.email]) for u in fresh if u.email]
        if messages:
            send_mass_mail(messages, fail_silently=True)
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
