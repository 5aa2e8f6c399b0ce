import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lms.models import Commune, User
from lms.phone import phone_display
from lms.text import fold, nfc

# At most this many communes are offered when a typed name matches several.
COMMUNE_CHOICES_LIMIT = 20


def commune_label(commune: Commune) -> str:
    """A commune as suggested and shown: "Phường Bến Thành, Thành phố Hồ Chí Minh"."""
    return f"{commune.full_name}, {commune.province.full_name}"


class ProfileForm(forms.ModelForm):
    """Name, birth year and commune of residence.

    The commune is typed as text. With JavaScript the page suggests communes while
    the person types and puts the chosen commune's code in ``commune_code``; without
    it the typed text is looked up here, accent-insensitively, and when several
    communes match the page lists them to choose from.
    """

    commune_name = forms.CharField(
        label=_("Commune or ward where you live"),
        required=False,
        max_length=200,
        help_text=_(
            "Type its name, with or without accents, for example: phuong ben thanh."
        ),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "list": "commune-options"}
        ),
    )
    commune_code = forms.CharField(
        required=False, max_length=5, widget=forms.HiddenInput
    )

    class Meta:
        model = User
        fields = ["full_name", "birth_year"]
        help_texts = {"full_name": _("As it should appear on your certificates.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.commune_matches: list[Commune] = []
        self.fields["full_name"].required = True
        self.fields["full_name"].widget.attrs["autocomplete"] = "name"
        self.fields["birth_year"].widget.attrs.update(
            inputmode="numeric", autocomplete="bday-year"
        )
        self.fields["birth_year"].help_text = _("For example: 1975.")
        commune = self.instance.commune if self.instance.commune_id else None
        if commune is not None:
            self.initial["commune_name"] = commune_label(commune)
            self.initial["commune_code"] = commune.code

    @property
    def phone_local(self) -> str:
        return phone_display(self.instance.phone) if self.instance.phone else ""

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

    def clean(self):
        cleaned_data = super().clean()
        name = nfc(cleaned_data.get("commune_name"))
        code = (cleaned_data.get("commune_code") or "").strip()
        cleaned_data["commune"] = None
        if not name:
            return cleaned_data
        candidates = self._communes_named(name)
        # A code counts only while the text still names that commune: without
        # JavaScript nothing clears a code chosen earlier when the text changes.
        chosen = candidates.filter(code=code).first() if code else None
        if chosen is not None:
            cleaned_data["commune"] = chosen
            return cleaned_data
        matches = list(candidates[: COMMUNE_CHOICES_LIMIT + 1])
        if len(matches) == 1:
            cleaned_data["commune"] = matches[0]
        elif not matches:
            self.add_error(
                "commune_name",
                _(
                    "No commune or ward has this name. Check the spelling, or type "
                    "only part of the name."
                ),
            )
        elif len(matches) > COMMUNE_CHOICES_LIMIT:
            self.add_error(
                "commune_name",
                _(
                    "Many communes have this name. Add your province after a comma, "
                    "for example: ben thanh, ho chi minh."
                ),
            )
        else:
            self.commune_matches = matches
            self.add_error(
                "commune_name",
                _("Several communes have this name. Choose yours from the list."),
            )
        return cleaned_data

    def _communes_named(self, text: str):
        """Communes whose name has every word of ``text`` ("name, province")."""
        name, _comma, province = re.sub(r"[^\w\s,]", " ", text).partition(",")
        communes = Commune.objects.search(name).select_related("province")
        if province.strip():
            communes = communes.filter(province__search_key__contains=fold(province))
        return communes

    def save(self, commit=True):
        self.instance.commune = self.cleaned_data.get("commune")
        return super().save(commit=commit)
