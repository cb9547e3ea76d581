"""Placeholder: filled by the screen work (see docs/ARCHITECTURE.md, KPI)."""

from django.http import HttpResponse
from django.urls import path


def sheet(request, pk):
    return HttpResponse("")


def mine(request):
    return HttpResponse("")


urlpatterns: list = [path("phieu/<int:pk>/", sheet, name="sheet"), path("", mine, name="mine")]
