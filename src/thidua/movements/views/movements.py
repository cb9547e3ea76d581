"""Movement screens: list, create/edit, detail, launch and close."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import path

from thidua.movements.queries import visible_movements, with_registration_counts


@login_required
def movement_list(request):
    movements = with_registration_counts(
        visible_movements(request.user).select_related("issuing_unit", "scope_unit")
    ).order_by("-issued_on", "-pk")
    page = Paginator(movements, 30).get_page(request.GET.get("page"))
    return render(request, "movements/movement_list.html", {
        "page_obj": page, "breadcrumbs": [("Phong trào thi đua", None)],
    })


urlpatterns = [
    path("", movement_list, name="list"),
]
