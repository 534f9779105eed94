from django import template

from portal.markdown import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str):
    """``{{ ticket.description|markdown }}``: rendered and sanitised."""
    return render_markdown(text)
