from django import template
from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from portal.labels import human_label, money
from portal.markdown import render_markdown
from portal.registry import panel_cache_key, panels_for

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str):
    """``{{ ticket.description|markdown }}``: rendered and sanitised."""
    return render_markdown(text)


@register.simple_tag(takes_context=True)
def panels(context, slot: str, obj):
    """``{% panels "roadmap_item" item %}``: the panels other apps registered for this slot."""
    request = context.get("request")
    user = context.get("user") or getattr(request, "user", None)
    if user is None:
        return ""
    html = []
    seconds = settings.PANEL_CACHE_SECONDS
    for panel in panels_for(slot, user):
        if panel.cached and seconds:
            key = panel_cache_key(panel, user, obj)
            part = cache.get(key)
            if part is None:
                part = _render(panel, request, user, obj, as_of=timezone.now(), seconds=seconds)
                cache.set(key, part, seconds)
        else:
            part = _render(panel, request, user, obj)
        html.append(part)
    return mark_safe("".join(html))  # noqa: S308 - each part is an autoescaped template


def _render(panel, request, user, obj, *, as_of=None, seconds=0) -> str:
    extra = panel.context(request, obj) if panel.context else {}
    context = {"object": obj, "user": user, **extra}
    if as_of is not None:
        context.update(as_of=as_of, cache_seconds=seconds)
    return render_to_string(panel.template, context, request=request)


@register.filter(name="label")
def label_filter(code):
    """``{{ account.segment|label }}``: words instead of the stored code."""
    return human_label(code)


@register.filter(name="arr")
def arr_filter(value):
    """``{{ account.arr|arr }}``: the amount with its currency ("$23,359")."""
    return money(value)


@register.filter(name="labels")
def labels_filter(codes):
    """``{{ program.allowed_segments|labels|join:", " }}``: each code in words."""
    return [human_label(code) for code in codes or ()]
