"""Template filters over ``integrations.maps.permissions``: ``{% if user|can_verify:c %}``."""

from django import template

from integrations.maps import permissions

register = template.Library()


@register.filter
def may_import(user) -> bool:
    return permissions.may_import(user)


@register.filter
def may_set_cycle_start(user) -> bool:
    return permissions.may_set_cycle_start(user)


@register.filter
def may_set_owner_team(user) -> bool:
    return permissions.may_set_owner_team(user)


@register.filter
def may_record_kpi(user) -> bool:
    return permissions.may_record_kpi(user)


@register.filter
def may_tick(user) -> bool:
    return permissions.may_tick(user)


@register.filter
def may_verify(user) -> bool:
    return permissions.may_verify(user)


@register.filter
def can_tick(user, criterion) -> bool:
    return permissions.can_tick(user, criterion)


@register.filter
def can_verify(user, criterion) -> bool:
    return permissions.can_verify(user, criterion)


@register.filter
def can_untick(user, criterion) -> bool:
    return permissions.can_untick(user, criterion)


@register.filter
def is_ticker(user, criterion) -> bool:
    return permissions.is_ticker(user, criterion)
