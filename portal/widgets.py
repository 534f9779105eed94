from django import forms
from django.urls import reverse

from .views import PICKER_LIMIT


class AccountPickerWidget(forms.Select):
    """A select of accounts with a search box that refreshes its options through htmx.

    Only the selected account and the first few others are rendered into the page, so the form
    stays light with thousands of accounts; typing in the search box fetches matching options.
    """

    template_name = "portal/widgets/account_picker.html"

    def __init__(self, attrs=None, *, mine: bool = False):
        """``mine``: the search offers only the accounts the user manages (the field's queryset
        should say the same: ``portal.onbehalf.accounts_acting_for``)."""
        super().__init__(attrs)
        self.mine = mine

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        url = reverse("account-picker")
        context["picker_url"] = f"{url}?mine=1" if self.mine else url
        return context

    def optgroups(self, name, value, attrs=None):
        queryset = self.choices.queryset
        # Only well-formed ids: a tampered value ("abc", 10**20) re-renders the form with its
        # error instead of failing the query.
        selected = [v for v in value if v and str(v).isdigit() and int(v) < 2**63]
        shown = list(queryset.filter(pk__in=selected)) + list(
            queryset.exclude(pk__in=selected)[:PICKER_LIMIT]
        )
        self.choices = forms.models.ModelChoiceIterator(self.choices.field)
        self.choices.queryset = queryset.filter(pk__in=[a.pk for a in shown])
        return super().optgroups(name, value, attrs)
