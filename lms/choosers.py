"""Choosers of the staff screens: each offers only what the signed-in person covers.

Wagtail's chooser modals list a model's rows and return the one picked. Here each
lists the rows of :mod:`lms.permissions` for the person choosing (a person with no
role in the admin gets an empty list), searches them without accents, and answers
404 for a row outside that list, however its id was obtained.
"""

from django import forms
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import chooser as chooser_views
from wagtail.admin.viewsets.chooser import ChooserViewSet
from wagtail.admin.widgets.chooser import BaseChooser

from lms import permissions, selectors
from lms.converters import id_parse
from lms.models import Commune, Hamlet, User
from lms.phone import phone_display


class SearchForm(BaseFilterForm):
    """The modal's search box; the viewset decides how a query matches."""

    q = forms.CharField(
        label=_("Search term"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": _("Search")}),
    )

    search = None  # set per viewset: (queryset, query) -> queryset

    def filter(self, objects):
        objects = super().filter(objects)
        query = self.cleaned_data.get("q", "").strip()
        if query:
            objects = type(self).search(objects, query)
            self.is_searching = True
            self.search_query = query
        return objects


class ScopedChooser(BaseChooser):
    """The chooser widget, safe with whatever a form was sent back with."""

    # The edit link would lead people without the model's admin screens nowhere.
    show_edit_link = False

    def get_instance(self, value):
        try:
            return super().get_instance(value)
        except (ValueError, TypeError, ValidationError):
            return None


class ScopedChosenView(chooser_views.ChosenView):
    scoped_queryset = None

    def get_object(self, pk):
        try:
            return self.scoped_queryset(self.request.user).get(pk=pk)
        except (ValueError, TypeError, ValidationError) as error:
            raise ObjectDoesNotExist from error


def _possible_pks(model, pks) -> list:
    """The values of ``pks`` that can be a primary key of ``model``.

    Others name no row. Django checks the range of a single integer it looks up,
    not of a list: a number past 64 bits would fail inside the query.
    """
    if not isinstance(model._meta.pk, models.IntegerField):
        return list(pks)
    possible = []
    for pk in pks:
        try:
            possible.append(id_parse(pk))
        except ValueError:
            continue
    return possible


class ScopedChooserViewSet(ChooserViewSet):
    """A chooser limited to :meth:`scoped_queryset` and searched by :meth:`search`."""

    per_page = 20
    base_widget_class = ScopedChooser
    chosen_view_class = ScopedChosenView

    def scoped_queryset(self, user):
        raise NotImplementedError

    @staticmethod
    def search(queryset, query: str):
        return selectors.search_by_key(queryset, query)

    @property
    def _search_form_class(self):
        return type("SearchForm", (SearchForm,), {"search": staticmethod(self.search)})

    def _scoped_view(self, view_class):
        viewset = self

        class View(view_class):
            filter_form_class = viewset._search_form_class

            def get_object_list(self):
                return viewset.scoped_queryset(self.request.user)

            @property
            def columns(self):
                return [*super().columns, *viewset.extra_columns()]

        View.__name__ = view_class.__name__
        return View

    def extra_columns(self) -> list[Column]:
        return []

    @property
    def choose_view(self):
        return self.construct_view(
            self._scoped_view(self.choose_view_class),
            icon=self.icon,
            page_title=self.page_title,
            search_tab_label=self.search_tab_label,
            creation_tab_label=self.creation_tab_label,
        )

    @property
    def choose_results_view(self):
        return self.construct_view(self._scoped_view(self.choose_results_view_class))

    @property
    def chosen_view(self):
        return self.construct_view(
            self.chosen_view_class, scoped_queryset=self.scoped_queryset
        )

    @property
    def chosen_multiple_view(self):
        viewset = self

        class View(self.chosen_multiple_view_class):
            def get_objects(self, pks):
                return viewset.scoped_queryset(self.request.user).filter(
                    pk__in=_possible_pks(viewset.model, pks)
                )

        return self.construct_view(View)


class PersonChooserViewSet(ScopedChooserViewSet):
    """People a role may be given to, by name, phone number or email."""

    model = User
    icon = "user"
    choose_one_text = _("Choose a person")
    choose_another_text = _("Choose another person")
    # Only the role form uses it; other forms that name a person keep their own.
    register_widget = False

    def scoped_queryset(self, user):
        return permissions.people_choosable_by(user).order_by("full_name", "pk")

    @staticmethod
    def search(queryset, query: str):
        return selectors.people_search(queryset, query)

    def extra_columns(self):
        return [
            Column(
                "phone",
                label=_("Phone number"),
                accessor=lambda person: phone_display(person.phone),
            ),
            Column("email", label=_("Email"), accessor="email"),
        ]


class CommuneChooserViewSet(ScopedChooserViewSet):
    model = Commune
    icon = "site"
    choose_one_text = _("Choose a commune")
    choose_another_text = _("Choose another commune")

    def scoped_queryset(self, user):
        return permissions.communes_managed_by(user).select_related("province")


class HamletChooserViewSet(ScopedChooserViewSet):
    """Hamlets the person keeps; a form may narrow them to one commune."""

    model = Hamlet
    icon = "home"
    choose_one_text = _("Choose a hamlet")
    choose_another_text = _("Choose another hamlet")
    preserve_url_parameters = ["multiple", "commune"]
    url_filter_parameters = ["commune"]

    def scoped_queryset(self, user):
        return permissions.hamlets_managed_by(user).select_related("commune")


person_chooser_viewset = PersonChooserViewSet("person_chooser")
commune_chooser_viewset = CommuneChooserViewSet("commune_chooser")
hamlet_chooser_viewset = HamletChooserViewSet("hamlet_chooser")
