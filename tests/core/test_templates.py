"""Django's {# #} comments end at the line's end: a multi-line one is shown to users."""

from pathlib import Path

import thidua

ROOT = Path(thidua.__file__).parent


def test_no_template_comment_spans_lines():
    broken = []
    for template in ROOT.rglob("*.html"):
        for number, line in enumerate(template.read_text().splitlines(), start=1):
            if "{#" in line and "#}" not in line.split("{#", 1)[1]:
                broken.append(f"{template.relative_to(ROOT)}:{number}")
    assert broken == []
