"""Placeholder: filled by the screen work (see docs/ARCHITECTURE.md, KPI)."""


urlpatterns: list = []
