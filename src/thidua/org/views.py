from django.http import HttpResponse


def _todo(request, *args, **kwargs):
    return HttpResponse(status=501)


unit_tree = unit_detail = unit_children = person_list = person_export = person_detail = _todo
role_list = role_revoke = _todo
