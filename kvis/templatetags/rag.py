from django import template
from django.utils.html import format_html

from kvis.rules import Rag

register = template.Library()


@register.simple_tag
def rag_badge(value: str, show_label: bool = False):
    """A RAG as a coloured badge with its letter, so it reads without colour too."""
    rag = Rag(value or Rag.NOT_REPORTED)
    if show_label:
        return format_html(
            '<span class="rag rag-{}" aria-hidden="true">{}</span> <span>{}</span>',
            rag.value,
            rag.letter,
            rag.label,
        )
    return format_html(
        '<span class="rag rag-{}" title="{}"><span aria-hidden="true">{}</span>'
        '<span class="visually-hidden">{}</span></span>',
        rag.value,
        rag.label,
        rag.letter,
        rag.label,
    )
