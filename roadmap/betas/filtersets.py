import django_filters

from roadmap.models import BetaParticipant, BetaProgram

from .choices import ParticipantState, ProgramStatus


class BetaProgramFilterSet(django_filters.FilterSet):
    """Shared by the program list and the beta programs API."""

    status = django_filters.ChoiceFilter(choices=ProgramStatus.choices, empty_label="Any")

    class Meta:
        model = BetaProgram
        fields = ["status", "item"]


class BetaParticipantFilterSet(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=ParticipantState.choices)

    class Meta:
        model = BetaParticipant
        fields = ["program", "account", "state"]
