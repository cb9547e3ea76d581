"""The bank (ngân hàng sáng kiến): search, an initiative's page, "we applied this", export.

Every page starts from ``queries.bank_for(user)``: all recognised initiatives of the user's
province, whatever his roles (the bank's deliberate exception to role scoping); an
initiative of another province, or not recognised, answers 404. The confidential part is
never shown here.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from thidua.core import xlsx
from thidua.initiatives import queries, replication
from thidua.initiatives.models import ApplicationField, Initiative, Level
from thidua.initiatives.search import RANK_LIMIT
from thidua.org.models import Unit

PAGE_SIZE = 20
BANK = "Ngân hàng sáng kiến"


class BankFilterForm(forms.Form):
    q = forms.CharField(label="Từ khóa", required=False, max_length=200,
                        widget=forms.TextInput(attrs={
                            "type": "search", "placeholder": "Ví dụ: tiếp nhận hồ sơ trực tuyến"}))
    linh_vuc = forms.TypedChoiceField(label="Lĩnh vực", required=False, coerce=int,
                                      empty_value=None)
    don_vi = forms.IntegerField(label="Đơn vị", required=False, min_value=1)
    cap = forms.ChoiceField(label="Cấp công nhận", required=False,
                            choices=[("", "Mọi cấp"), *Level.choices])
    nam = forms.IntegerField(label="Năm", required=False, min_value=2000, max_value=2100)
    tac_gia = forms.CharField(label="Tác giả", required=False, max_length=120)

    def __init__(self, *args, fields_list=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["linh_vuc"].choices = [("", "Mọi lĩnh vực"),
                                           *((f.pk, f.name) for f in fields_list)]


def _filters(request):
    """The filter form, the ``BankFilters`` it gives and the units offered in its list."""
    fields_list = list(ApplicationField.objects.order_by("order", "name").only("pk", "name"))
    form = BankFilterForm(request.GET or None, fields_list=fields_list)
    filters = queries.BankFilters()
    unit = None
    if form.is_valid():
        data = form.cleaned_data
        if data["don_vi"]:
            unit = queries.bank_units(request.user).filter(pk=data["don_vi"]).first()
            if unit is None:
                form.add_error("don_vi", "Không có đơn vị này trong tỉnh của bạn.")
        filters = queries.BankFilters(q=data["q"] or "", field=data["linh_vuc"], unit=unit,
                                      level=data["cap"] or "", year=data["nam"],
                                      author=data["tac_gia"] or "")
    return form, filters


def _unit_options(user, selected: Unit | None) -> list[tuple[int, str]]:
    """(id, name) of the province(s) and their communes (the tree's first two levels),
    plus the chosen unit when it lies deeper."""
    units = list(queries.bank_units(user).filter(depth__lte=2).order_by("path")
                 .values_list("pk", "name"))
    if selected is not None and selected.pk not in {pk for pk, _name in units}:
        units.append((selected.pk, selected.name))
    return units


@login_required
@require_GET
def bank(request):
    form, filters = _filters(request)
    number = request.GET.get("page") or "1"
    # isdecimal, not isdigit: "²" is a digit int() refuses.
    number = int(number) if number.isdecimal() and 0 < int(number) < 10_000 else 1
    results = queries.BankResults(request.user, filters,
                                  window=((number - 1) * PAGE_SIZE, PAGE_SIZE))
    page = Paginator(results, PAGE_SIZE).get_page(number)
    items = list(page.object_list)
    authors = queries.authors_of(items)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "initiatives/bank_search.html", {
        "form": form, "filters": filters, "page_obj": page, "results": results,
        "rank_limit": RANK_LIMIT,
        "rows": [(item, authors.get(item.pk, [])) for item in items],
        "units": _unit_options(request.user, filters.unit),
        "export_url": reverse("initiatives:bank_export") + (f"?{query.urlencode()}"
                                                            if query else ""),
        "breadcrumbs": [(BANK, None)],
    })


EXPORT_COLUMNS = [
    xlsx.Column("Tên sáng kiến", 60, wrap=True), xlsx.Column("Lĩnh vực", 28),
    xlsx.Column("Đơn vị chủ quản", 36), xlsx.Column("Cấp công nhận", 20),
    xlsx.Column("Năm", 8, xlsx.INTEGER), xlsx.Column("Tác giả", 36, wrap=True),
    xlsx.Column("Số quyết định / giấy chứng nhận", 22), xlsx.Column("Ngày cấp", 12, xlsx.DATE),
]
EXPORT_CHUNK = 900  # ids per query (SQLite's parameter limit stays far)


def _export_rows(results):
    """Rows of the export, initiatives and authors read per chunk (set-based)."""
    ids = results.every_id()
    for start in range(0, len(ids), EXPORT_CHUNK):
        chunk = results.rows(ids[start:start + EXPORT_CHUNK])
        authors = queries.authors_of(chunk)
        for item in chunk:
            yield [item.title, item.field.name, item.unit.name, item.get_level_display(),
                   item.year,
                   ", ".join(f"{a.person.full_name} ({a.share.normalize():f}%)"
                             for a in authors.get(item.pk, [])),
                   item.certificate_number, item.certificate_date]


@login_required
@require_GET
def bank_export(request):
    form, filters = _filters(request)
    results = queries.BankResults(request.user, filters)
    pairs = [(label, value) for label, value in (
        ("Từ khóa", filters.q), ("Lĩnh vực", filters.field and dict(
            form.fields["linh_vuc"].choices).get(filters.field)),
        ("Đơn vị", filters.unit.name if filters.unit else ""),
        ("Cấp công nhận", Level(filters.level).label if filters.level else ""),
        ("Năm", str(filters.year or "")), ("Tác giả", filters.author)) if value]
    workbook = xlsx.list_workbook(BANK, EXPORT_COLUMNS, _export_rows(results),
                                  filters_text=xlsx.filters_line(pairs))
    return xlsx.xlsx_response(workbook, xlsx.dated_filename("ngan hang sang kien"))


def _initiative(request, pk):
    try:
        return (queries.bank_for(request.user)
                .select_related("unit", "field", "reviewing_unit").get(pk=pk))
    except Initiative.DoesNotExist as exc:
        raise Http404("Không tìm thấy.") from exc


class ReplicationForm(forms.Form):
    unit = forms.TypedChoiceField(label="Đơn vị áp dụng", coerce=int,
                                  widget=forms.Select(attrs={"class": "form-select"}))
    applied_on = forms.DateField(label="Áp dụng từ ngày", error_messages={
        "required": "Hãy nhập ngày bắt đầu áp dụng.",
        "invalid": "Ngày không hợp lệ, hãy nhập theo dạng ngày/tháng/năm."}, widget=forms.DateInput(
        attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"))
    results = forms.CharField(label="Kết quả áp dụng", max_length=4000, error_messages={
                                  "required": "Hãy mô tả kết quả áp dụng tại đơn vị."},
                              widget=forms.Textarea(attrs={"rows": 4, "class": "form-control"}),
                              help_text="Kết quả, hiệu quả cụ thể tại đơn vị (số liệu nếu có).")

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.units = {u.pk: u for u in units}
        self.fields["unit"].choices = [(u.pk, u.name) for u in units]
        if len(self.units) == 1:
            self.fields["unit"].initial = next(iter(self.units))
        self.fields["applied_on"].widget.attrs["max"] = timezone.localdate().isoformat()


def _detail_context(request, initiative, form=None):
    units = queries.replication_units(request.user, initiative)
    if form is None and units:
        form = ReplicationForm(units=units)
    return {
        "initiative": initiative,
        "authors": queries.authors_of([initiative]).get(initiative.pk, []),
        "replications": list(queries.replications(initiative)),
        "form": form,
        "breadcrumbs": [(BANK, reverse("initiatives:bank")), (initiative.title, None)],
    }


@login_required
@require_GET
def bank_detail(request, pk):
    initiative = _initiative(request, pk)
    return render(request, "initiatives/bank_detail.html",
                  _detail_context(request, initiative))


@login_required
@require_http_methods(["GET", "POST"])
def replicate(request, pk):
    initiative = _initiative(request, pk)
    units = queries.replication_units(request.user, initiative)
    if not units:
        raise PermissionDenied(replication.REFUSED)
    form = ReplicationForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            replication.record(request.user, initiative, form.units[data["unit"]],
                               data["applied_on"], data["results"])
        except ValidationError as exc:
            for name, errors in exc.message_dict.items():
                form.add_error(name if name in form.fields else None, errors)
        else:
            messages.success(request, f"Đã ghi nhận {form.units[data['unit']].name} "
                                      "áp dụng sáng kiến này.")
            return redirect("initiatives:bank_detail", pk=initiative.pk)
    context = _detail_context(request, initiative, form)
    context["breadcrumbs"] = [(BANK, reverse("initiatives:bank")),
                              (initiative.title, reverse("initiatives:bank_detail",
                                                         args=[initiative.pk])),
                              ("Ghi nhận áp dụng", None)]
    return render(request, "initiatives/replication_form.html", context)


urlpatterns = [
    path("ngan-hang/", bank, name="bank"),
    path("ngan-hang/xuat-excel/", bank_export, name="bank_export"),
    path("ngan-hang/<int:pk>/", bank_detail, name="bank_detail"),
    path("ngan-hang/<int:pk>/ap-dung/", replicate, name="bank_replicate"),
]
