"""`thidua load-demo`: the demo ward with one login per role (idempotent)."""

from importlib import import_module

from django.core.management.base import BaseCommand

#: Each app that owns demo records adds its loader here, in dependency order.
DEMO_STEPS = ["thidua.org.demo", "thidua.movements.demo", "thidua.kpi.demo",
              "thidua.scorecards.demo", "thidua.feedback.demo", "thidua.dossiers.demo",
              "thidua.initiatives.demo", "thidua.awards.demo"]


class Command(BaseCommand):
    help = "Nạp dữ liệu mẫu (phường Bắc Kạn, Thái Nguyên); chạy lại không tạo trùng."

    def handle(self, *args, **options):
        for step in DEMO_STEPS:
            module = import_module(step)
            if not module.load(self.stdout):
                self.stdout.write(f"Dữ liệu mẫu ({step}) đã có sẵn, dùng lại.")
        self.print_logins()

    def print_logins(self):
        from thidua.org.demo import DEMO_LOGINS, demo_password

        self.stdout.write("")
        self.stdout.write(f"Tài khoản dùng thử (mật khẩu chung: {demo_password()}):")
        for username, role, _scope, (name, *_rest) in DEMO_LOGINS:
            self.stdout.write(f"  {username:<14} {role.label:<30} {name}")
        from thidua.awards.demo import MORE_COUNCIL
        from thidua.initiatives.demo import CAO_BANG_LOGINS

        for username, position in MORE_COUNCIL:
            self.stdout.write(f"  {username:<14} {'Thành viên hội đồng thi đua':<30} {position}")
        for username, role, *_rest in CAO_BANG_LOGINS:
            self.stdout.write(f"  {username:<14} {role.label:<30} Văn phòng Tỉnh ủy Cao Bằng")
