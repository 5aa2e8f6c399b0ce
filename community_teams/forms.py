from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from lms import permissions
from lms.phone import phone_display, phone_to_e164
from lms.text import nfc


class TeamForm(WagtailAdminModelForm):
    """A team in a commune the person keeps, serving one of its hamlets (or none).

    The team's hamlet must lie in the team's commune (checked by ``Team.clean``).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = permissions.communes_managed_by(self.for_user)
        self.fields["commune"].error_messages["invalid_choice"] = _(
            "Choose a commune that you cover."
        )
        self.fields["hamlet"].queryset = permissions.hamlets_managed_by(self.for_user)
        self.fields["hamlet"].error_messages["invalid_choice"] = _(
            "Choose a hamlet that you cover."
        )
        # The hamlet chooser lists the hamlets of the commune chosen above.
        self.fields["hamlet"].widget.linked_fields = {"commune": "#id_commune"}

    def clean_name(self):
        return nfc(self.cleaned_data["name"])

    def clean_decision_number(self):
        return nfc(self.cleaned_data["decision_number"])


class HouseholdForm(WagtailAdminModelForm):
    """A household's details as the admin corrects them; the phone is typed locally."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.phone:
            self.initial["phone"] = phone_display(self.instance.phone)

    def clean_head_name(self):
        return nfc(self.cleaned_data["head_name"])

    def clean_house_number(self):
        return nfc(self.cleaned_data["house_number"])

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        return phone_to_e164(phone) if phone else ""
