from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse

from portal.models import Account
from portal.onbehalf import accounts_acting_for
from portal.widgets import AccountPickerWidget
from roadmap.models import BetaProgram, RoadmapItem

from .attachments import ALLOWED_TYPES, MAX_FILES, evidence_type
from .choices import TRANSITIONS, TicketStatus
from .models import SUBMIT_FIELDS, FeedbackTicket


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class EvidenceField(forms.FileField):
    """Several screenshots or PDFs, each checked by content and size."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": _accept()}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        uploads = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if len(uploads) > MAX_FILES:
            raise ValidationError(f"Attach at most {MAX_FILES} files.")
        errors = []
        for upload in uploads:
            try:
                evidence_type(upload)
            except ValidationError as exc:
                errors.extend(exc.messages)
        if errors:
            raise ValidationError(errors)
        return uploads


def _accept() -> str:
    return ",".join(f".{ext}" for ext in sorted(set(ALLOWED_TYPES.values())))


class FeedbackForm(forms.ModelForm):
    attachments = EvidenceField(
        label="Evidence",
        help_text="Screenshots (PNG, JPEG, GIF, WebP) or PDFs; checked by content.",
    )

    class Meta:
        model = FeedbackTicket
        fields = ["account", *SUBMIT_FIELDS]
        widgets = {
            "account": AccountPickerWidget(mine=True),
            "customer_quote": forms.Textarea(attrs={"rows": 3}),
            "beta_program": forms.HiddenInput,
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        _accounts_of(self.fields["account"], user)
        self.fields["beta_program"].queryset = BetaProgram.objects.all()
        self.fields["title"].widget.attrs.update(
            {
                "autocomplete": "off",
                "hx-get": reverse("feedback:similar"),
                "hx-trigger": "input changed delay:300ms",
                "hx-target": "#similar-tickets",
                "hx-include": "#id_account",
                "placeholder": "What does the customer need, in a few words?",
            }
        )
        self.fields[
            "description"
        ].help_text = "Markdown. What the customer is trying to do and why."
        self.fields["product_area"].widget.attrs["list"] = "product-areas"


def _accounts_of(field, user) -> None:
    """The account picker offers the accounts ``user`` files for and adds (the ones they manage);
    the service refuses any other with the same rule, for the API too."""
    field.queryset = accounts_acting_for(user) if user is not None else Account.objects.active()
    field.error_messages["invalid_choice"] = (
        "Choose one of your accounts: you act only on behalf of the accounts you manage."
    )


class JoinForm(forms.Form):
    account = forms.ModelChoiceField(
        queryset=Account.objects.active(),
        widget=AccountPickerWidget(mine=True),
        error_messages={"required": "Choose the account to add."},
    )
    note = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Why this matters to your customer.",
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        _accounts_of(self.fields["account"], user)


class TriageForm(forms.Form):
    product_area = forms.CharField(
        max_length=80, required=False, widget=forms.TextInput(attrs={"list": "product-areas"})
    )
    category = forms.ChoiceField(choices=FeedbackTicket._meta.get_field("category").choices)
    impact = forms.ChoiceField(choices=FeedbackTicket._meta.get_field("impact").choices)
    status = forms.ChoiceField(required=False)
    declined_reason = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Needed when declining.",
    )

    def __init__(self, *args, ticket: FeedbackTicket, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "product_area": ticket.product_area,
                "category": ticket.category,
                "impact": ticket.impact,
                "status": ticket.status,
            },
        )
        super().__init__(*args, **kwargs)
        allowed = [ticket.status, *TRANSITIONS.get(ticket.status, [])]
        self.fields["status"].choices = [(s, TicketStatus(s).label) for s in allowed]

    def clean(self):
        data = super().clean()
        if (
            data.get("status") == TicketStatus.DECLINED
            and not data.get("declined_reason", "").strip()
        ):
            self.add_error("declined_reason", "Say why the ticket is declined.")
        return data


class DuplicateForm(forms.Form):
    kept = forms.ModelChoiceField(
        queryset=FeedbackTicket.objects.exclude(status=TicketStatus.DUPLICATE),
        widget=forms.NumberInput(attrs={"min": 1}),
        label="Duplicate of ticket #",
        error_messages={"invalid_choice": "No open ticket has that number."},
    )


class LinkItemForm(forms.Form):
    item = forms.ModelChoiceField(
        queryset=RoadmapItem.objects.order_by("title"),
        required=False,
        label="Roadmap item",
        empty_label="— not linked —",
    )


class CreateItemForm(forms.Form):
    title = forms.CharField(max_length=200)
    product_area = forms.CharField(max_length=80, required=False)
    target_quarter = forms.CharField(max_length=7, required=False, help_text="For example 2027-Q1.")


class DeclineForm(forms.Form):
    declined_reason = forms.CharField(
        label="Reason",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Say why the ticket is declined."},
    )

    def clean_declined_reason(self):
        reason = self.cleaned_data["declined_reason"].strip()
        if not reason:
            raise ValidationError("Say why the ticket is declined.")
        return reason


BULK_CHOICES = [
    ("triage", "Mark triaged"),
    ("link", "Link to a roadmap item"),
    ("decline", "Decline"),
]


class BulkForm(forms.Form):
    """The selected tickets and one action for all of them (the service checks each ticket)."""

    tickets = forms.TypedMultipleChoiceField(
        coerce=int,
        error_messages={"required": "Select at least one ticket."},
    )
    action = forms.ChoiceField(choices=BULK_CHOICES, label="With the selected")
    item = forms.ModelChoiceField(
        queryset=RoadmapItem.objects.order_by("title"),
        required=False,
        label="Roadmap item",
        empty_label="— choose an item —",
    )
    declined_reason = forms.CharField(required=False, max_length=2000, label="Reason (to decline)")
    expected = forms.IntegerField(required=False, widget=forms.HiddenInput)
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Any ticket number: the service refuses unknown ones as a changed selection.
        self.fields["tickets"].valid_value = lambda value: str(value).isdigit()

    def clean(self):
        data = super().clean()
        if data.get("action") == "link" and not data.get("item"):
            self.add_error("item", "Choose the roadmap item to link the tickets to.")
        if data.get("action") == "decline" and not (data.get("declined_reason") or "").strip():
            self.add_error("declined_reason", "Say why the tickets are declined.")
        return data
