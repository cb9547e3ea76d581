"""Placeholder: filled by the screen work (see docs/ARCHITECTURE.md, documents)."""

urlpatterns: list = []
