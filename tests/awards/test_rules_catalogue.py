"""The shipped catalogue (defaults.py, migration 0002_defaults)."""

from decimal import Decimal

from thidua.awards.models import BaseSalary


def test_catalogue_ships_every_title_and_form(catalogue):
    assert set(catalogue) >= {"ldtt", "cstdcs", "cstd_tinh", "cstd_toan_quoc", "tt_ldtt",
                              "tt_ldxs", "giay_khen", "bang_khen_tinh", "bang_khen_ttcp"}
    assert catalogue["cstd_toan_quoc"].coefficient == Decimal("4.5")
    assert catalogue["ldtt"].coefficient == Decimal("0.3")
    assert catalogue["tt_ldxs"].coefficient == Decimal("1.5")
    assert catalogue["cstdcs"].quota_share == Decimal("0.15")
    assert catalogue["cstdcs"].quota_base == catalogue["ldtt"]
    assert catalogue["giay_khen"].is_manual


def test_authority_table(catalogue):
    def kinds(code):
        return set(catalogue[code].granted_by.values_list("code", flat=True))

    assert {"xa_phuong", "dang_uy_xa", "ubnd"} <= kinds("ldtt")
    assert "tinh" not in kinds("ldtt")
    assert kinds("cstd_tinh") == {"tinh", "tinh_uy"}
    assert kinds("cstd_toan_quoc") == set() and kinds("bang_khen_ttcp") == set()
    assert catalogue["cstd_toan_quoc"].secret_ballot and not catalogue["ldtt"].secret_ballot


def test_base_salary_default(catalogue):
    row = BaseSalary.objects.get()
    assert row.amount == Decimal(2_340_000) and str(row.effective_from) == "2024-07-01"


def test_ensure_catalogue_never_overwrites(catalogue):
    from thidua.awards.defaults import ensure_catalogue

    catalogue["ldtt"].coefficient = Decimal("0.4")
    catalogue["ldtt"].save()
    ensure_catalogue()
    catalogue["ldtt"].refresh_from_db()
    assert catalogue["ldtt"].coefficient == Decimal("0.4")
