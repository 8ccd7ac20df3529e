"""The dashboard grid's body as HTML written in Python: 60 KVIs × 12 months are 720 cells,
each with two URLs, dates and labels; through the template engine that was about 200 ms of
the page, here a few. The markup is the one the template wrote (templates/kvis/dashboard.html
said it cell by cell)."""

from __future__ import annotations

from datetime import date

from django.template.defaultfilters import date as date_filter
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from kvis.selectors import DashboardRow

#: A code and a month no KVI has: the URLs are reversed once and these put in their place
#: (a KVI code is a slug, so it goes into a URL as it is).
_CODE, _MONTH = "kvi-code-placeholder", date(1900, 1, 1)


def _url_makers():
    detail = reverse("kvis:detail", args=[_CODE])
    update = reverse("kvis:update", args=[_CODE, _MONTH])
    month = f"{_MONTH:%Y-%m}"
    return (
        lambda code: detail.replace(_CODE, code),
        lambda code, m: update.replace(_CODE, code).replace(month, f"{m:%Y-%m}"),
    )


def grid_body(rows: list[DashboardRow], months: list[date]) -> SafeString:
    """The grid's `<tbody>`: a row per KVI, a lettered, coloured link per month."""
    if not rows:
        return mark_safe(  # noqa: S308 (no input in it)
            f'<tbody><tr><td colspan="{len(months) + 1}">No KVIs report to this committee.</td>'
            "</tr></tbody>"
        )
    long_month = {m: date_filter(m, "F Y") for m in months}
    detail_url, update_url = _url_makers()
    out = ["<tbody>"]
    for row in rows:
        code, title = escape(row.kvi.code), escape(row.kvi.title)
        detail = escape(detail_url(row.kvi.code))
        out.append(
            f'<tr><th scope="row" class="fw-normal"><a href="{detail}">{code}</a> {title}</th>'
        )
        for cell in row.cells:
            rag, update = cell.rag, cell.update
            pending = update is not None and update.status != "approved"
            status = f" ({escape(update.get_status_display())})" if pending else ""
            marks = ("✎" if update is not None and update.corrected_after_issue else "") + (
                "…" if pending else ""
            )
            said = f"{code} {long_month[cell.month]}: {rag.label}"
            href = escape(update_url(row.kvi.code, cell.month))
            out.append(
                f'<td class="rag-cell text-center"><a href="{href}" '
                f'class="rag rag-{rag.value}" title="{said}{status}">'
                f'<span aria-hidden="true">{rag.letter}{marks}</span>'
                f'<span class="visually-hidden">{said}</span></a></td>'
            )
        out.append("</tr>")
    out.append("</tbody>")
    return mark_safe("".join(out))  # noqa: S308 (every value is escaped above)
