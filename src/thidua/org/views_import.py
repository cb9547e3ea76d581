"""Excel import of units and people (being built)."""

from django.http import HttpResponse


def import_units(request):
    return HttpResponse(status=501)


def import_people(request):
    return HttpResponse(status=501)


def import_template(request, kind):
    return HttpResponse(status=501)
