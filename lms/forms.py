from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lms.models import Commune, User
from lms.text import nfc


class ProfileForm(forms.ModelForm):
    commune_code = forms.CharField(
        label=_("Commune of residence"),
        required=False,
        max_length=5,
        help_text=_("Choose from the list as you type, for example: phuong ben thanh."),
    )

    class Meta:
        model = User
        fields = ["full_name", "birth_year"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["full_name"].required = True
        self.fields["full_name"].widget.attrs["autocomplete"] = "name"
        self.fields["birth_year"].widget.attrs.update(inputmode="numeric")
        if self.instance.commune_id:
            self.initial["commune_code"] = self.instance.commune_id

    def clean_full_name(self) -> str:
        return nfc(self.cleaned_data["full_name"])

    def clean_birth_year(self):
        year = self.cleaned_data.get("birth_year")
        this_year = timezone.localdate().year
        if year is not None and not (this_year - 120 <= year <= this_year):
            raise forms.ValidationError(
                _("Enter a birth year between %(low)s and %(high)s."),
                params={"low": this_year - 120, "high": this_year},
            )
        return year

    def clean_commune_code(self):
        code = self.cleaned_data.get("commune_code", "").strip()
        if not code:
            return None
        commune = Commune.objects.filter(code=code).first()
        if commune is None:
            raise forms.ValidationError(_("Choose a commune from the list."))
        return commune

    def save(self, commit=True):
        self.instance.commune = self.cleaned_data.get("commune_code")
        return super().save(commit=commit)
