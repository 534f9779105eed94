import pytest
from django import forms

from portal.models import Account
from portal.widgets import AccountPickerWidget
from tests.factories import AccountFactory


class PickerForm(forms.Form):
    account = forms.ModelChoiceField(Account.objects.all(), widget=AccountPickerWidget)


@pytest.mark.django_db
def test_account_picker_renders_selected_account_and_a_bounded_list():
    accounts = AccountFactory.create_batch(30)
    chosen = accounts[-1]
    html = str(PickerForm(data={"account": chosen.pk})["account"])
    assert 'hx-get="/accounts/picker"' in html
    assert f'<option value="{chosen.pk}" selected>' in html
    # the empty choice, the chosen account and the first 20 others: never all 30
    assert html.count("<option") == 22


@pytest.mark.django_db
def test_account_picker_keeps_a_rejected_choice_visible():
    form = PickerForm(data={"account": "999999"})
    assert not form.is_valid()
    assert "Select a valid choice" in str(form.errors["account"])
