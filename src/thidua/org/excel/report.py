"""What the shared import report (templates/includes/import_result.html) shows of a result."""

from django.conf import settings

#: Row errors listed on the page; the rest are counted ("và N lỗi khác").
MAX_ERRORS_SHOWN = 1000


def report_context(result, *, errors_dropped: int = 0) -> dict:
    """The result, its first row errors, how many more there are, and the upload limit.

    ``errors_dropped``: errors an importer counted without keeping (a streamed file)."""
    row_errors = result.row_errors if result else []
    return {
        "result": result,
        "row_errors": row_errors[:MAX_ERRORS_SHOWN],
        "errors_hidden": max(0, len(row_errors) - MAX_ERRORS_SHOWN) + errors_dropped,
        "max_megabytes": settings.UPLOAD_MAX_BYTES // (1024 * 1024),
    }
