"""The forms officials keep agencies, staff, assignments and targets with."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from courses.models import CoursePage
from coverage import permissions
from lms.models import Commune
from lms.phone import phone_display, phone_to_e164
from lms.text import nfc


def _limit(field, queryset, message) -> None:
    field.queryset = queryset
    field.error_messages["invalid_choice"] = message


class AgencyForm(WagtailAdminModelForm):
    """An agency of a province the official keeps, perhaps part of another."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.for_user
        _limit(
            self.fields["province"],
            permissions.provinces_kept_by(user),
            _("Choose a province that you keep."),
        )
        parents = permissions.agencies_kept_by(user)
        if self.instance.pk:
            parents = parents.exclude(path__startswith=self.instance.path)
        _limit(
            self.fields["parent"],
            parents.order_by("path"),
            _("Choose an agency that you keep, not this one or one of its sub-units."),
        )
        _limit(
            self.fields["commune"],
            Commune.objects.filter(province__in=permissions.provinces_kept_by(user)),
            _("Choose a commune of your province."),
        )

    def clean_name(self):
        return nfc(self.cleaned_data["name"]).strip()


class StaffMemberForm(WagtailAdminModelForm):
    """A person on an agency's roster; the phone is typed as people write it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _limit(
            self.fields["agency"],
            permissions.agencies_kept_by(self.for_user).order_by("path"),
            _("Choose an agency that you keep."),
        )
        if self.instance.phone:
            self.initial["phone"] = phone_display(self.instance.phone)

    def clean_full_name(self):
        return nfc(self.cleaned_data["full_name"]).strip()

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        return phone_to_e164(phone) if phone else ""

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("phone") and not cleaned.get("email"):
            raise forms.ValidationError(
                _(
                    "Give a phone number or an email address: the person signs in "
                    "with it."
                )
            )
        return cleaned


class CourseAssignmentForm(WagtailAdminModelForm):
    """A live course given to an agency (with its sub-units) or to a province."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.for_user
        _limit(
            self.fields["province"],
            permissions.provinces_kept_by(user),
            _("Choose a province that you keep."),
        )
        _limit(
            self.fields["agency"],
            permissions.agencies_kept_by(user).order_by("path"),
            _("Choose an agency that you keep."),
        )
        _limit(
            self.fields["course"],
            CoursePage.objects.live().order_by("title"),
            _("Choose a published course."),
        )

    def clean(self):
        cleaned = super().clean()
        agency, province = cleaned.get("agency"), cleaned.get("province")
        if agency and province and agency.province_id != province.pk:
            self.add_error("agency", _("This agency is in another province."))
        return cleaned


class TargetForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _limit(
            self.fields["province"],
            permissions.provinces_kept_by(self.for_user),
            _("Choose a province that you keep."),
        )
