"""The ``thidua`` console script: Django's management commands, spelled with dashes.

``thidua load-divisions --province "Thái Nguyên"`` runs the ``load_divisions``
command; anything Django offers (``thidua migrate``, ``thidua shell``) works too.
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "thidua.settings")
    if len(argv) > 1 and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
