"""The upload form of the Excel imports; the file itself is checked by the importer."""

from django import forms


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Tệp Excel (.xlsx)",
        widget=forms.FileInput(attrs={
            "class": "form-control",
            "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }),
        error_messages={
            "required": "Hãy chọn tệp Excel cần nhập.",
            "empty": "Tệp tải lên rỗng (0 byte).",
            "invalid": "Không đọc được tệp tải lên; hãy chọn lại tệp.",
            "missing": "Không nhận được tệp; hãy chọn lại tệp.",
        },
    )
    dry_run = forms.BooleanField(
        label="Chỉ kiểm tra, chưa ghi dữ liệu",
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
        help_text="Hệ thống kiểm tra toàn bộ tệp và báo các dòng sai, nhưng không ghi gì.",
    )
