import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.models import formfield_for_dbfield

from lms import permissions
from lms.choosers import person_chooser_viewset
from lms.models import Commune, RoleAssignment, User
from lms.models.users import TEAM_ROLES, Organisation, Role
from lms.phone import phone_display, phone_to_e164
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


# The place each scoped role takes, as the name of the form field that holds it.
SCOPE_FIELD = {
    Role.PROVINCE_OFFICIAL: "province",
    Role.COMMUNE_OFFICIAL: "commune",
    Role.TEAM_LEADER: "team",
    Role.TEAM_MEMBER: "team",
}


def _scope_field(name: str, **kwargs):
    # The admin's chooser for the place (registered by its chooser viewset) is
    # looked up when the form is built, after the admin has registered them.
    return formfield_for_dbfield(
        RoleAssignment._meta.get_field(name), required=False, **kwargs
    )


class RoleGrantForm(forms.Form):
    """Who gets which role where, as a granter may choose it.

    The person is picked from the people of the granter's places, or typed by the
    exact phone number or email address of their account. The role list holds only
    roles the granter may give; the place must be one they cover
    (:func:`lms.permissions.may_manage_role`). Valid, the form holds ``person``,
    ``role`` and ``scope`` ready for :func:`lms.services.role_grant`.
    """

    person = forms.ModelChoiceField(
        label=_("Person"),
        queryset=User.objects.all(),
        required=False,
        widget=person_chooser_viewset.widget_class(),
        help_text=_("Search by name, phone number or email among your places' people."),
    )
    contact = forms.CharField(
        label=_("Or their phone number or email address"),
        required=False,
        max_length=254,
        help_text=_(
            "For someone who lives elsewhere: the phone number or email address of "
            "their account, exactly."
        ),
    )
    role = forms.ChoiceField(label=_("Role"))

    def __init__(self, *args, granter: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.granter = granter
        self.fields["role"].choices = [
            ("", "---------"),
            *(
                (role, Role(role).label)
                for role in permissions.roles_grantable_by(granter)
            ),
        ]
        self.fields["province"] = _scope_field(
            "province",
            label=_("Province (for a province official)"),
            queryset=permissions.provinces_managed_by(granter),
        )
        self.fields["commune"] = _scope_field(
            "commune", label=_("Commune (for a commune official)")
        )
        self.fields["team"] = _scope_field(
            "team", label=_("Team (for a team leader or member)")
        )
        self.fields["organisation"] = forms.ChoiceField(
            label=_("Organisation (for a team leader or member)"),
            choices=[("", "---------"), *Organisation.choices],
            required=False,
        )
        self.scope = {"team": None, "commune": None, "province": None}

    def clean_contact(self) -> str:
        return nfc(self.cleaned_data["contact"])

    def clean(self):
        cleaned_data = super().clean()
        cleaned_data["person"] = self._person(cleaned_data)
        role = cleaned_data.get("role")
        field = SCOPE_FIELD.get(role)
        if field is not None:
            place = cleaned_data.get(field)
            if place is None:
                if field not in self.errors:
                    self.add_error(field, _("Choose where this role applies."))
                return cleaned_data
            self.scope[field] = place
        if role not in TEAM_ROLES:
            cleaned_data["organisation"] = ""
        if role and not permissions.may_manage_role(
            self.granter, role=role, **self.scope
        ):
            self.add_error(
                field or "role",
                _("This place is not one you cover.")
                if field
                else _("Only administrators give this role."),
            )
        return cleaned_data

    def _person(self, cleaned_data) -> User | None:
        chosen, contact = cleaned_data.get("person"), cleaned_data.get("contact")
        if "person" in self.errors:
            return None
        if chosen and contact:
            self.add_error(
                "contact",
                _("Choose a person or type a phone number or email, not both."),
            )
            return None
        if chosen:
            if (
                permissions.people_choosable_by(self.granter)
                .filter(pk=chosen.pk)
                .exists()
            ):
                return chosen
            # Shown again, the chooser would give away the name behind the id.
            self.data = self.data.copy()
            self.data[self.add_prefix("person")] = ""
            self.add_error(
                "person",
                _("Choose someone from the list, or type their phone number or email."),
            )
            return None
        if not contact:
            if "contact" not in self.errors:
                self.add_error(
                    "person",
                    _("Choose a person, or type their phone number or email."),
                )
            return None
        person = self._account_with(contact)
        if person is None and "contact" not in self.errors:
            self.add_error(
                "contact",
                _(
                    "Nobody has an account with this phone number or email address. "
                    "Ask them to sign up first."
                ),
            )
        return person

    def _account_with(self, contact: str) -> User | None:
        if "@" in contact:
            return User.objects.filter(email__iexact=contact).first()
        try:
            phone = phone_to_e164(contact)
        except ValidationError as error:
            self.add_error("contact", error)
            return None
        return User.objects.filter(phone=phone).first()
