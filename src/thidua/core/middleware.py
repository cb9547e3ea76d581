"""NFC-normalise every form value and query string on the way in."""

from thidua.core.text import nfc

# Multipart bodies (uploads) are left to the view: parsing them here would read
# the whole upload before the CSRF and login checks.
_FORM_TYPES = ("application/x-www-form-urlencoded",)


def _normalised(querydict):
    copy = querydict.copy()
    for key in copy:
        copy.setlist(key, [nfc(v) if isinstance(v, str) else v for v in copy.getlist(key)])
    copy._mutable = False
    return copy


class NormalizeInputMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.GET:
            request.GET = _normalised(request.GET)
        if request.method == "POST" and request.content_type in _FORM_TYPES and request.POST:
            request.POST = _normalised(request.POST)
        return self.get_response(request)
