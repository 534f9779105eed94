from django import template
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from portal.labels import human_label, money
from portal.markdown import render_markdown
from portal.registry import panels_for

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
    for panel in panels_for(slot, user):
        extra = panel.context(request, obj) if panel.context else {}
        html.append(
            render_to_string(
                panel.template, {"object": obj, "user": user, **extra}, request=request
            )
        )
    return mark_safe("".join(html))  # noqa: S308 - each part is an autoescaped template


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
