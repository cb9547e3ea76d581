"""Request plumbing: the client's address behind a proxy, and the upload size limit."""

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload


def client_ip(request) -> str | None:
    """The address of the person at the keyboard.

    Behind ``THIDUA_PROXY_COUNT`` trusted reverse proxies (nginx…), each proxy
    appends the address it received the request from to X-Forwarded-For; the
    client is the entry that many places from the right. Entries further left
    are whatever the client sent and are not trusted. Without proxies,
    REMOTE_ADDR. Login lockout (django-axes) keys on this address.
    """
    proxies = settings.THIDUA_PROXY_COUNT
    if proxies:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
                     if part.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR")


class UploadLimitHandler(FileUploadHandler):
    """Refuse a request body larger than the upload limit before it is written to disk.

    The form fields before the file (the CSRF token first) are kept; at the
    first file the parser stops, reads the rest of the body without storing
    it (no connection reset, so the browser shows our page), and the view
    learns why from ``request.upload_refused``.
    """

    too_large = False

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        limit = settings.UPLOAD_MAX_BYTES + 1024 * 1024  # room for the other form fields
        self.too_large = bool(content_length and content_length > limit)

    def new_file(self, *args, **kwargs):
        if self.too_large:
            megabytes = settings.UPLOAD_MAX_BYTES // (1024 * 1024)
            self.request.upload_refused = f"Tệp tải lên quá lớn: tối đa {megabytes} MB."
            raise StopUpload(connection_reset=False)
        super().new_file(*args, **kwargs)

    def receive_data_chunk(self, raw_data, start):
        return raw_data

    def file_complete(self, file_size):
        return None


def upload_refused(request, form, field: str | None = "file") -> bool:
    """:class:`UploadLimitHandler` stopped a body over the limit: put its message on
    ``field`` of ``form`` (``None``: above the form) and answer True; else False."""
    refused = getattr(request, "upload_refused", None)
    if refused:
        form.is_valid()
        form.add_error(field, refused)
    return bool(refused)


def flash_refusal(request, error: Exception) -> None:
    """A domain refusal (``ValidationError`` or ``PermissionDenied``) that belongs to no
    form field, shown to the user as an error message."""
    from django.contrib import messages
    from django.core.exceptions import ValidationError

    if isinstance(error, ValidationError):
        text = " ".join(error.messages)
    else:
        text = str(error) or "Bạn không có quyền thực hiện thao tác này."
    messages.error(request, text)

