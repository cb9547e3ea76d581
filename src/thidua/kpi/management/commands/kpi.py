"""``thidua kpi``: close or reopen a unit's month, and store the year's results.

    thidua kpi close  --month 2026-05 --unit PAB [--subtree] [--skip-unready] --user lanhdao
    thidua kpi reopen --month 2026-05 --unit PAB --user lanhdao --reason "Bổ sung phiếu"
    thidua kpi year   --year 2026 --unit TU --user quantri

The acting account (``--user``, required) must hold the role the screens ask
for: :mod:`thidua.kpi.domain` checks it for the month, this command for the
year. Every close and reopen is logged with its actor by the workflow.
``close`` exits with an error (and closes nothing) when a unit is not ready,
unless ``--skip-unready`` closes the ready ones and lists the others.
"""

import argparse
import logging
import time

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Exists, OuterRef
from django.utils import timezone

from thidua.core import scoping
from thidua.kpi import domain
from thidua.kpi.models import REVIEWERS, UnitMonth
from thidua.org.choices import PersonStatus
from thidua.org.models import Person, Unit

logger = logging.getLogger("thidua.kpi")


def month_arg(text: str):
    try:
        return domain.parse_month(text)
    except ValidationError as exc:
        raise argparse.ArgumentTypeError(" ".join(exc.messages)) from exc


def seconds(value: float) -> str:
    return f"{value:.1f}".replace(".", ",")


class Command(BaseCommand):
    help = ("Đánh giá, xếp loại hằng tháng: khóa sổ (close), mở lại (reopen) tháng của đơn vị, "
            "tính và lưu kết quả năm (year).")

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="{close,reopen,year}",
                                        title="thao tác")
        close = actions.add_parser(
            "close", help="Khóa sổ tháng của đơn vị (hoặc mọi đơn vị có cán bộ trong cây).")
        close.add_argument("--month", required=True, type=month_arg,
                           help="Tháng, dạng NĂM-THÁNG, ví dụ 2026-05.")
        close.add_argument("--unit", required=True, help="Mã đơn vị.")
        close.add_argument("--subtree", action="store_true",
                           help="Khóa sổ mọi đơn vị có cán bộ trong cây đơn vị.")
        close.add_argument("--skip-unready", action="store_true",
                           help="Khóa sổ các đơn vị đã sẵn sàng, bỏ qua (và liệt kê) các đơn "
                                "vị chưa sẵn sàng.")
        close.add_argument("--user", required=True, help="Tên đăng nhập của người thực hiện.")
        reopen = actions.add_parser("reopen", help="Mở lại tháng đã khóa sổ của đơn vị.")
        reopen.add_argument("--month", required=True, type=month_arg,
                            help="Tháng, dạng NĂM-THÁNG, ví dụ 2026-05.")
        reopen.add_argument("--unit", required=True, help="Mã đơn vị.")
        reopen.add_argument("--user", required=True, help="Tên đăng nhập của người thực hiện.")
        reopen.add_argument("--reason", required=True, help="Lý do mở lại (bắt buộc).")
        year = actions.add_parser("year", help="Tính và lưu kết quả xếp loại năm của mọi cán "
                                               "bộ trong cây đơn vị.")
        year.add_argument("--year", required=True, type=int, help="Năm, ví dụ 2026.")
        year.add_argument("--unit", required=True, help="Mã đơn vị gốc của cây.")
        year.add_argument("--user", required=True, help="Tên đăng nhập của người thực hiện.")

    def handle(self, *args, **options):
        user = self._user(options["user"])
        unit = self._unit(options["unit"])
        action = options["action"]
        if action == "close":
            self._close(user, unit, options["month"], options["subtree"], options["skip_unready"])
        elif action == "reopen":
            self._reopen(user, unit, options["month"], options["reason"])
        else:
            self._year(user, unit, options["year"])

    # Lookups ---------------------------------------------------------------------------------
    def _user(self, username: str):
        user = get_user_model().objects.filter(username=username).first()
        if user is None or not user.is_active:
            raise CommandError(f"Không tìm thấy tài khoản “{username}” đang hoạt động.")
        return user

    def _unit(self, code: str) -> Unit:
        unit = Unit.objects.filter(code=code.strip()).first()
        if unit is None:
            raise CommandError(f"Không tìm thấy đơn vị mã “{code}”.")
        if not unit.is_active:
            raise CommandError(f"Đơn vị “{unit.code}” đã ngừng hoạt động (đã sáp nhập hoặc "
                               "giải thể).")
        return unit

    # close -------------------------------------------------------------------------------------
    def _close(self, user, unit: Unit, month, subtree: bool, skip_unready: bool) -> None:
        label = f"{month:%m/%Y}"
        already = 0
        if subtree:
            staffed = Person.objects.filter(unit=OuterRef("pk"), status=PersonStatus.ACTIVE)
            units = list(Unit.objects.filter(path__startswith=unit.path, is_active=True)
                         .filter(Exists(staffed)).order_by("path"))
            closed_before = set(UnitMonth.objects.filter(
                unit__in=units, month=month, state="closed").values_list("unit_id", flat=True))
            already = len(closed_before)
            units = [u for u in units if u.pk not in closed_before]
            if not units:
                self.stdout.write(f"Không còn đơn vị nào phải khóa sổ tháng {label} trong cây "
                                  f"{unit.name} ({already} đơn vị đã khóa sổ từ trước).")
                return
        else:
            units = [unit]
        start = time.perf_counter()
        try:
            closed = domain.close_months(units, month, user, skip_unready=skip_unready)
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from exc
        except ValidationError as exc:
            self.stderr.write(f"Không khóa sổ được tháng {label}:")
            for message in exc.messages:
                self.stderr.write(f"  - {message}")
            raise CommandError(
                f"Chưa khóa sổ đơn vị nào ({len(units)} đơn vị). Hãy giải quyết các lý do trên"
                + (", hoặc dùng --skip-unready để khóa sổ các đơn vị đã sẵn sàng."
                   if len(units) > 1 else ".")) from exc
        elapsed = time.perf_counter() - start
        logger.info("kpi close %s %s by %s: %d of %d units closed", unit.code, label,
                    user.get_username(), len(closed), len(units))
        self.stdout.write(f"Đã khóa sổ tháng {label}: {len(closed)} đơn vị "
                          f"({seconds(elapsed)} giây).")
        if already:
            self.stdout.write(f"Đã khóa sổ từ trước: {already} đơn vị.")
        done = {row.unit_id for row in closed}
        refused = [u for u in units if u.pk not in done]
        if refused:
            self.stdout.write(f"Chưa khóa sổ: {len(refused)} đơn vị:")
            for check in domain.close_checks(refused, month).values():
                for problem in check.problems:
                    self.stdout.write(f"  - {check.unit.name} ({check.unit.code}): {problem}")

    # reopen ------------------------------------------------------------------------------------
    def _reopen(self, user, unit: Unit, month, reason: str) -> None:
        try:
            domain.reopen_month(unit, month, user, reason)
        except (PermissionDenied, ValidationError) as exc:
            message = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            raise CommandError(message) from exc
        logger.info("kpi reopen %s %s by %s: %s", unit.code, f"{month:%m/%Y}",
                    user.get_username(), reason)
        self.stdout.write(f"Đã mở lại tháng {month:%m/%Y} của {unit.name}. Lý do: {reason}")

    # year --------------------------------------------------------------------------------------
    def _year(self, user, unit: Unit, year: int) -> None:
        if not 2000 <= year <= timezone.localdate().year:
            raise CommandError(f"Năm {year} không hợp lệ: phải từ 2000 đến năm hiện tại.")
        if not scoping.covers(user, unit.path, REVIEWERS):
            raise CommandError(f"Tài khoản “{user.get_username()}” không có quyền lãnh đạo "
                               f"hoặc quản trị tại {unit.name}: không tính được kết quả năm.")
        units = Unit.objects.filter(path__startswith=unit.path, is_active=True)
        start = time.perf_counter()
        stored = domain.store_year(units, year, user)
        elapsed = time.perf_counter() - start
        logger.info("kpi year %s %d by %s: %d results", unit.code, year, user.get_username(),
                    stored)
        self.stdout.write(f"Đã lưu kết quả năm {year} của {stored} cán bộ trong cây "
                          f"{unit.name} ({seconds(elapsed)} giây).")
