"""``thidua gen-province``: a synthetic province for benchmarks (see ``org.synthetic``)."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db.models import ProtectedError

from thidua.org import synthetic


def _number(value: int) -> str:
    """12345 → "12.345", the Vietnamese way."""
    return f"{value:,}".replace(",", ".")


class Command(BaseCommand):
    help = ("Sinh một tỉnh giả lập (xã, phường, chi bộ, cơ quan và cán bộ) để đo hiệu năng; "
            "cùng --seed cho cùng dữ liệu.")

    def add_arguments(self, parser):
        defaults = synthetic.Spec()
        parser.add_argument("--name", default=defaults.name, help="Tên tỉnh giả lập.")
        parser.add_argument("--communes", type=int, default=defaults.communes,
                            help="Số xã, phường.")
        parser.add_argument("--units", type=int, default=defaults.units,
                            help="Tổng số đơn vị, kể cả đơn vị gốc và các xã, phường.")
        parser.add_argument("--people", type=int, default=defaults.people, help="Số cán bộ.")
        parser.add_argument("--seed", type=int, default=defaults.seed,
                            help="Hạt giống ngẫu nhiên; cùng hạt giống cho cùng dữ liệu.")
        parser.add_argument("--replace", action="store_true",
                            help="Xóa tỉnh giả lập cùng mã (nếu có) rồi sinh lại.")

    def handle(self, *args, name, communes, units, people, seed, replace, **options):
        spec = synthetic.Spec(name=name, communes=communes, units=units, people=people,
                              seed=seed)
        started = time.perf_counter()
        try:
            result = synthetic.generate(spec, replace=replace)
        except synthetic.SpecError as exc:
            raise CommandError(str(exc)) from exc
        except synthetic.AlreadyExists as exc:
            raise CommandError(
                f"Đã có tỉnh giả lập mã {spec.code}; thêm --replace để xóa và sinh lại."
            ) from exc
        except ProtectedError as exc:
            raise CommandError(
                f"Không xóa được tỉnh giả lập mã {spec.code}: còn dữ liệu khác gắn với "
                "các đơn vị hoặc cán bộ của tỉnh này."
            ) from exc
        elapsed = time.perf_counter() - started
        self.stdout.write(
            f"Đã sinh tỉnh giả lập “{spec.name}” (mã {result.code}): "
            f"{_number(result.communes)} xã, phường; {_number(result.units)} đơn vị; "
            f"{_number(result.people)} cán bộ, trong đó {_number(result.party_members)} "
            f"đảng viên — {f'{elapsed:.1f}'.replace('.', ',')} giây."
        )
