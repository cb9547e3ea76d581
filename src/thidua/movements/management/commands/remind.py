"""``thidua remind``: remind the units that have not acted on a milestone (cron-able).

Run it once a day (e.g. ``0 7 * * * thidua remind``); running it again the
same day sends nothing new.
"""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from thidua.movements import reminders


def iso_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"Ngày “{value}” không hợp lệ: hãy ghi dạng YYYY-MM-DD, "
                           "ví dụ 2026-11-24.") from exc


class Command(BaseCommand):
    help = ("Nhắc lãnh đạo, văn phòng các đơn vị chưa đăng ký thi đua hoặc chưa nộp báo cáo "
            "khi mốc sắp đến hạn hoặc đã quá hạn (thông báo trong hệ thống và thư điện tử).")

    def add_arguments(self, parser):
        parser.add_argument("--date", type=iso_date, default=None,
                            help="Ngày chạy, dạng YYYY-MM-DD (mặc định: hôm nay).")
        parser.add_argument("--days", type=int, default=reminders.DEFAULT_DAYS,
                            help="Nhắc các mốc đến hạn trong số ngày tới này (mặc định 7).")
        parser.add_argument("--overdue-days", type=int, default=reminders.DEFAULT_OVERDUE_DAYS,
                            help="Tiếp tục nhắc mốc đã quá hạn tối đa số ngày này (mặc định 30).")

    def handle(self, *args, **options):
        days, overdue_days = options["days"], options["overdue_days"]
        if days < 0 or overdue_days < 0:
            raise CommandError("Số ngày phải từ 0 trở lên.")
        today = options["date"] or timezone.localdate()
        results = reminders.remind(today, days, overdue_days)
        for line in reminders.summary(results, today, days, overdue_days):
            self.stdout.write(line)
