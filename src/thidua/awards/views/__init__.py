"""Screens of the commendation app: rounds, history and disclosure, catalogue."""
