"""Placeholder: filled by the screen work (see docs/ARCHITECTURE.md, scorecards)."""

urlpatterns: list = []
