import pytest

from tests.movements.conftest import launched, movement, today  # noqa: F401 (fixtures)


@pytest.fixture
def media(settings, tmp_path):
    """Uploaded files (replaced templates) go to a folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path
