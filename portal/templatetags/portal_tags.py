from django import template
from django.conf import settings
from django.core.cache import cache
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
    """``{% panels "roadmap_item" item %}``: the panels other apps registered for this slot.

    Each is rendered in the page's own context (like ``{% include %}``: the context processors
    ran once for the page), with ``object``, ``user`` and its own context on top. The cached
    ones come from the cache in one round trip."""
    request = context.get("request")
    user = context.get("user") or getattr(request, "user", None)
    if user is None:
        return ""
    shown = panels_for(slot, user)
    seconds = settings.PANEL_CACHE_SECONDS
    keys = {p.template: panel_cache_key(p, user, obj) for p in shown if p.cached and seconds}
    kept = cache.get_many(list(keys.values())) if keys else {}
    html = []
    for panel in shown:
        key = keys.get(panel.template)
        if key is None:
            html.append(_render(panel, context, request, user, obj))
            continue
        part = kept.get(key)
        if part is None:
            part = _render(
                panel, context, request, user, obj, as_of=timezone.now(), seconds=seconds
            )
            cache.set(key, part, seconds)
        html.append(part)
    return mark_safe("".join(html))  # noqa: S308 - each part is an autoescaped template


def _render(panel, context, request, user, obj, *, as_of=None, seconds=0) -> str:
    values = {"object": obj, "user": user}
    if panel.context:
        values.update(panel.context(request, obj))
    if as_of is not None:
        values.update(as_of=as_of, cache_seconds=seconds)
    template = context.template.engine.get_template(panel.template)
    with context.push(values):
        return template.render(context)


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
