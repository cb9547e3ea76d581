from tests.movements.conftest import launched, movement, today  # noqa: F401 (fixtures)
