"""``thidua load-divisions``: provinces and their communes as a starting unit tree."""

from django.core.management.base import BaseCommand, CommandError

from thidua.org import divisions


class Command(BaseCommand):
    help = ("Nạp danh mục tỉnh, thành phố và xã, phường, đặc khu (sau ngày 01/07/2025) "
            "thành cây đơn vị. Chạy lại không tạo trùng.")

    def add_arguments(self, parser):
        parser.add_argument(
            "--province", action="append", default=[], metavar="TÊN",
            help='Tên tỉnh, thành phố (không phân biệt dấu), ví dụ "Thái Nguyên"; lặp lại để nạp nhiều tỉnh.',
        )
        parser.add_argument("--all", action="store_true",
                            help="Nạp cả 34 tỉnh, thành phố.")

    def handle(self, *args, province, all, **options):
        if all and province:
            raise CommandError("Chỉ dùng một trong hai tùy chọn: --province hoặc --all.")
        if not all and not province:
            raise CommandError(
                'Hãy chọn tỉnh, thành phố cần nạp: --province "Thái Nguyên" '
                "(có thể lặp lại) hoặc --all để nạp cả nước."
            )
        if all:
            chosen = divisions.all_provinces()
        else:
            chosen, unknown = [], []
            for name in province:
                found = divisions.find_province(name)
                (chosen if found else unknown).append(found or name)
            if unknown:
                names = ", ".join(p.name for p in divisions.all_provinces())
                raise CommandError(
                    "Không tìm thấy tỉnh, thành phố: "
                    + ", ".join(f"“{name}”" for name in unknown)
                    + f". Các tên hợp lệ: {names}."
                )

        try:
            result = divisions.load(chosen)
        except LookupError as exc:
            raise CommandError(
                f"Chưa có loại đơn vị mã “{exc.args[0]}”; hãy chạy “thidua migrate” "
                "hoặc khai báo lại loại đơn vị này."
            ) from exc
        except divisions.CodeConflict as exc:
            raise CommandError(
                "Các mã đơn vị sau đã được đơn vị khác dùng, không nạp được: "
                + ", ".join(exc.codes[:20]) + ("…" if len(exc.codes) > 20 else "") + "."
            ) from exc

        self.stdout.write(
            f"Tỉnh, thành phố: tạo mới {result.provinces_created}, "
            f"đã có {result.provinces_existing}.\n"
            f"Xã, phường, đặc khu: tạo mới {result.communes_created}, "
            f"đã có {result.communes_existing}."
        )
