"""The pack on screen: each ready pack version as an HTML briefing book, with the same
content in the same order as its PDF, for the same people who may read the PDF."""

from __future__ import annotations

from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.cache import cache
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.views import View

from kvis import packs
from kvis.models import PackStatus


def briefing_body(pack) -> str:
    """The briefing book's content for a ready pack, rendered from the revisions the PDF was
    built from; kept in the cache under the PDF's hash, since a version never changes."""

    def draw() -> str:
        context = packs.pack_context(pack)
        return render_to_string("kvis/pack/_body.html", {**context, "medium": "html"})

    return cache.get_or_set(f"pack-briefing:{pack.pk}:{pack.sha256}", draw, timeout=None)


class PackBriefingView(PermissionRequiredMixin, View):
    """A pack version as a web page; access as for its PDF."""

    permission_required = "kvis.view_pack"

    def get(self, request, pk):
        pack = get_object_or_404(packs.packs_visible_to(request.user), pk=pk)
        if pack.status != PackStatus.READY:
            raise Http404("This pack is not built yet.")
        context = {
            "pack": pack,
            "committee": pack.committee,
            "month": pack.month,
            "body": briefing_body(pack),
        }
        return render(request, "kvis/pack/briefing.html", context)
