"""URLs of the scorecards, each screen module contributing its own list."""

from thidua.scorecards.views import board, cards, frameworks

app_name = "scorecards"

urlpatterns = [
    *frameworks.urlpatterns,
    *cards.urlpatterns,
    *board.urlpatterns,
]
