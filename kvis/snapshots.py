"""Frozen inputs: what a pack printed, stored with it, and its PDF rebuilt from that alone.

A pack's snapshot holds the build time (the PDF's creation date), the rendered document and
the figures it printed (each KVI's reported RAG for the month, each register section's figures,
the changes to months already reported). Rebuilding from the snapshot
reads nothing else, so it gives the same bytes after late entries and corrections.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime

from django.conf import settings

SNAPSHOT_FORMAT = 1


def pdf_from_html(html: str, appendices=(), created: datetime | None = None) -> tuple[bytes, int]:
    """The PDF bytes of a rendered pack, tagged (PDF/UA-1: structure, language, title shown),
    with its appendices (every row of each register list, as CSV) attached and dated
    `created`; and its page count. WeasyPrint with HarfBuzz subsetting is deterministic: the
    same HTML, appendices and date give the same bytes."""
    from weasyprint import HTML, Attachment

    document = HTML(string=html, base_url=str(settings.BASE_DIR / "static")).render()
    attachments = [
        Attachment(
            string=a["csv"].encode(),
            name=a["name"],
            description=f"Every row of {a['name']}",
            created=created,
            modified=created,
        )
        for a in appendices
    ]
    pdf = document.write_pdf(pdf_variant="pdf/ua-1", attachments=attachments)
    return pdf, len(document.pages)


def snapshot_of(*, html: str, built_at: datetime, context: dict) -> dict:
    """The snapshot of a pack rendered as `html` at `built_at` from `context`."""
    month = context["month"]
    return {
        "format": SNAPSHOT_FORMAT,
        "built_at": built_at.isoformat(),
        "figures": {
            "kvis": {
                page.kvi.code: {
                    "rag": page.update.reported_rag if page.update else None,
                    "figures": [
                        {"measure": f.measure.name, "value": f.value, "target": f.target}
                        for f in page.figures
                    ],
                }
                for page in context["pages"]
            },
            "month": f"{month:%Y-%m}",
            "sections": context.get("section_figures", {}),
            "changes_to_reported": [e.as_json() for e in context.get("changes_to_reported", [])],
        },
        "html": html,
        "appendices": [{"name": a["name"], "csv": a["csv"]} for a in context["appendices"]],
    }


def snapshot_sha256(snapshot: dict) -> str:
    """The SHA-256 of the snapshot's canonical JSON (sorted keys, no spaces)."""
    text = json.dumps(snapshot, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def rebuild_from_snapshot(snapshot: dict) -> bytes:
    """The PDF of a pack rebuilt from its snapshot alone."""
    built_at = datetime.fromisoformat(snapshot["built_at"])
    return pdf_from_html(snapshot["html"], snapshot.get("appendices", ()), built_at)[0]
