"""The upload form of the dossier import: .xlsx or .csv (the importer checks the content)."""

from django import forms

from thidua.org.forms_import import ImportForm


class DossierImportForm(ImportForm):
    file = forms.FileField(
        label="Tệp Excel (.xlsx) hoặc CSV (.csv)",
        widget=forms.FileInput(attrs={
            "class": "form-control",
            "accept": ".xlsx,.csv,text/csv,"
                      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }),
        error_messages=ImportForm.base_fields["file"].error_messages,
    )
