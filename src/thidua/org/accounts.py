"""Login accounts for people: an admin of the unit creates one, or resets its password.

The new password is generated, shown once to the admin to hand over, and the
person changes it after logging in. Nothing secret is e-mailed or stored in
clear.
"""

from __future__ import annotations

import re
import secrets

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from thidua.core import scoping
from thidua.core.roles import GRANT_ROLES
from thidua.core.text import fold
from thidua.org.models import Person

_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_password() -> str:
    """Twelve characters without look-alikes (l/1, O/0), easy to read out on the phone."""
    return "".join(secrets.choice(_ALPHABET) for _ in range(12))


def suggested_username(person: Person) -> str:
    """"Hoàng Văn Quang" → "quanghv", the way offices usually name accounts."""
    words = fold(person.full_name).split()
    if not words:
        return person.staff_code.lower()
    base = re.sub(r"[^a-z0-9]", "", words[-1] + "".join(w[0] for w in words[:-1]))
    User = get_user_model()
    candidate, n = base, 1
    while User.objects.filter(username__iexact=candidate).exists():
        n += 1
        candidate = f"{base}{n}"
    return candidate


@transaction.atomic
def create_account(actor, person: Person, username: str) -> tuple[object, str]:
    if not scoping.covers(actor, person.unit.path, GRANT_ROLES):
        raise ValidationError("Bạn không có quyền tạo tài khoản cho cán bộ này.")
    if person.user_id:
        raise ValidationError("Cán bộ này đã có tài khoản.")
    username = username.strip()
    if not re.fullmatch(r"[A-Za-z0-9._-]{3,40}", username):
        raise ValidationError("Tên đăng nhập từ 3 đến 40 ký tự: chữ không dấu, số, dấu chấm, "
                              "gạch ngang hoặc gạch dưới.")
    User = get_user_model()
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError(f"Tên đăng nhập “{username}” đã có người dùng.")
    password = new_password()
    user = User.objects.create_user(username=username, password=password,
                                    first_name=person.full_name, email=person.email)
    person.user = user
    person.save(update_fields=["user"])
    return user, password


def reset_password(actor, person: Person) -> str:
    if not scoping.covers(actor, person.unit.path, GRANT_ROLES):
        raise ValidationError("Bạn không có quyền đặt lại mật khẩu cho cán bộ này.")
    if person.user is None:
        raise ValidationError("Cán bộ này chưa có tài khoản.")
    if person.user.is_superuser and not actor.is_superuser:
        raise ValidationError("Chỉ quản trị toàn hệ thống mới đặt lại được mật khẩu của tài "
                              "khoản quản trị toàn hệ thống.")
    password = new_password()
    person.user.set_password(password)
    person.user.save(update_fields=["password"])
    return password


@login_required
@require_http_methods(["GET", "POST"])
def person_account(request, pk):
    """Create the person's account, or reset its password (with a confirmation)."""
    person = scoping.get_scoped_or_404(Person.objects.select_related("unit", "user"),
                                       request.user, GRANT_ROLES, pk=pk)
    context = {
        "person": person,
        "suggested": "" if person.user_id else suggested_username(person),
        "breadcrumbs": [(person.full_name, reverse("org:person_detail", args=[person.pk])),
                        ("Tài khoản đăng nhập", None)],
    }
    if request.method == "POST":
        try:
            if person.user_id:
                context["password"] = reset_password(request.user, person)
                context["username"] = person.user.username
            else:
                user, context["password"] = create_account(
                    request.user, person, request.POST.get("username", ""))
                context["username"] = user.username
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
    return render(request, "org/person_account.html", context)
