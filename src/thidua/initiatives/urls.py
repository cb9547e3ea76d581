from thidua.initiatives.views import applications, bank, councils

app_name = "initiatives"

urlpatterns = [*applications.urlpatterns]

urlpatterns += councils.urlpatterns + bank.urlpatterns
