"""URLs of the commendation screens, each screen module contributing its own list."""

from thidua.awards.views import catalogue, history, rounds

app_name = "awards"

urlpatterns = rounds.urlpatterns + history.urlpatterns + catalogue.urlpatterns
