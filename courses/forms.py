from django import forms
from django.utils.translation import gettext_lazy as _

from courses.models import Topic
from lms.text import nfc


class CourseFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search courses"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("For example: dich vu cong")}
        ),
    )
    topic = forms.ChoiceField(
        label=_("Topic"),
        required=False,
        choices=[("", _("All topics")), *Topic.choices],
    )

    def clean_q(self) -> str:
        return nfc(self.cleaned_data["q"])
