"""``thidua eligibility``: every candidate of a unit's year, with the titles and the reasons.

    thidua eligibility --year 2026 --unit PAB --format json [--output ds.json]
    thidua eligibility --year 2026 --unit PAB --format xlsx --output ds.xlsx
    thidua eligibility --year 2026 --unit PAB --only-unit --award-type ldtt --award-type cstdcs

Read-only (server operators run it: no acting user). JSON goes to standard output unless
``--output`` is given; .xlsx needs ``--output``. Both hold the candidates, the near misses
(one condition missing, named) and the quotas (see ``thidua.awards.eligibility``).
"""

import json
import time

from django.core.management.base import BaseCommand, CommandError

from thidua.awards.eligibility import Evaluation, award_type_problems, evaluate
from thidua.awards.models import AwardType
from thidua.core.xlsx import INTEGER, TEXT, Column, list_workbook
from thidua.org.models import Unit

SUBJECTS = {"person": "Cá nhân", "collective": "Tập thể"}

COLUMNS = [
    Column("Đối tượng", 10),
    Column("Họ và tên / tập thể", 28),
    Column("Đơn vị", 28),
    Column("Danh hiệu, hình thức", 26),
    Column("Kết quả", 16),
    Column("Thứ tự trong hạn mức", 10, INTEGER),
    Column("Trong hạn mức", 10),
    Column("Điều kiện chưa đạt", 40, TEXT, wrap=True),
    Column("Căn cứ xét (từng điều kiện)", 80, TEXT, wrap=True),
]


def reasons(candidate) -> str:
    lines = [f"{'✓' if c.met else '✗'} {c.label}: {c.detail}" for c in candidate.checks]
    if candidate.blocked:
        lines.append(f"✗ Tạm dừng xét: {candidate.blocked}")
    return "\n".join(lines)


def rows(evaluation: Evaluation):
    for status, group in (("Đủ điều kiện", evaluation.candidates),
                          ("Gần đạt", evaluation.near_misses)):
        for c in group:
            within = "" if c.within_quota is None else ("Có" if c.within_quota else "Không")
            yield [SUBJECTS[c.subject], c.name, c.unit_name, c.award_name, status, c.rank,
                   within, "; ".join(c.failures), reasons(c)]


def quota_lines(evaluation: Evaluation, names: dict[str, str]) -> list[str]:
    return [f"Hạn mức {names.get(code, code)}: tối đa {q.limit} "
            f"({q.share * 100:.0f}% của {q.base_count} người đạt {names.get(q.base, q.base)}); "
            f"đủ điều kiện {q.used}." for code, q in evaluation.quotas.items()]


class Command(BaseCommand):
    help = ("Danh sách cá nhân, tập thể đủ điều kiện (và gần đạt) các danh hiệu, hình thức "
            "khen thưởng của một đơn vị trong năm, kèm căn cứ từng điều kiện.")

    def add_arguments(self, parser):
        parser.add_argument("--year", required=True, type=int, help="Năm xét, ví dụ 2026.")
        parser.add_argument("--unit", required=True, help="Mã đơn vị.")
        parser.add_argument("--format", choices=["json", "xlsx"], default="json",
                            help="Định dạng: json (mặc định) hoặc xlsx.")
        parser.add_argument("--output", help="Tệp kết quả (bắt buộc với xlsx).")
        parser.add_argument("--only-unit", action="store_true",
                            help="Chỉ xét cán bộ trực thuộc và tập thể của chính đơn vị, "
                                 "không xét các đơn vị cấp dưới.")
        parser.add_argument("--award-type", action="append", dest="award_types",
                            metavar="MÃ", help="Chỉ xét danh hiệu, hình thức có mã này "
                                                "(có thể lặp lại), ví dụ ldtt.")

    def handle(self, *args, **options):
        unit = Unit.objects.filter(code=options["unit"]).first()
        if unit is None:
            raise CommandError(f"Không có đơn vị mã “{options['unit']}”.")
        if options["format"] == "xlsx" and not options["output"]:
            raise CommandError("Xuất xlsx cần chỉ rõ tệp kết quả: --output TÊN_TỆP.xlsx.")
        problems = award_type_problems(options["award_types"] or [])
        if problems:
            raise CommandError(" ".join(problems))
        started = time.perf_counter()
        evaluation = evaluate(unit, options["year"], award_types=options["award_types"],
                              subtree=not options["only_unit"])
        names = {t.code: t.short_name or t.name for t in AwardType.objects.all()}
        if options["format"] == "json":
            data = {"unit": {"id": unit.pk, "code": unit.code, "name": unit.name},
                    **evaluation.as_json()}
            text = json.dumps(data, ensure_ascii=False, indent=1)
            if options["output"]:
                with open(options["output"], "w", encoding="utf-8") as handle:
                    handle.write(text)
            else:
                self.stdout.write(text)
        else:
            context = [f"Đơn vị: {unit.name} ({unit.code}). Năm {options['year']}.",
                       *quota_lines(evaluation, names), *evaluation.problems]
            workbook = list_workbook(
                f"Danh sách đủ điều kiện khen thưởng năm {options['year']}", COLUMNS,
                rows(evaluation), context=context, sheet_title="Đủ điều kiện")
            workbook.save(options["output"])
        if options["output"]:
            seconds = f"{time.perf_counter() - started:.1f}".replace(".", ",")
            self.stderr.write(
                f"Đã ghi {options['output']}: {len(evaluation.candidates)} đủ điều kiện, "
                f"{len(evaluation.near_misses)} gần đạt ({seconds} giây).")
        for problem in evaluation.problems:
            self.stderr.write(problem)
