"""Turn the council delivery plan's measure cards (shared/seeds/003_*.txt) into JSON.

Run once by hand; the output, kvis/demo_data/council_measure_cards.json, is what the demo
loads, so `make run` does not depend on the seeds folder. The source is OCR text: fields are
"Key<TAB>value" lines with continuation lines; a few keys are split over two lines.
"""

import json
import re
import sys
from pathlib import Path

FIELDS = {
    "Name": "name",
    "Owner": "owner",
    "Co owners": "co_owners",
    "Purpose": "purpose",
    "Links": "links",
    "Formula": "formula",
    "Source of Data": "source_of_data",
    "Frequency": "frequency_note",
    "Target": "target_text",
    "Rewards/Penalties": "rewards_penalties",
    "Who measures?": "who_measures",
    "Who acts on the data?": "who_acts",
    "Who acts on the": "who_acts",
    "What will be done": "what_will_be_done",
    "Feedback": "feedback",
    "Notes": "notes",
}
#: OCR debris that ran into a card's name.
OCR_NAME_FIXES = {
    "Improve Self Serve Signage Namo": "Improve Self Serve Signage",
    "Accuracy of Data Oustance Oussies Team leader": "Accuracy of Data",
}
NOISE = re.compile(r"^(data\?|0|M//|Owner Co\. ownere|Whe .*|•)\s*$")


def parse(text: str) -> list[dict]:
    body = text[text.index("Delivering the service") :]
    cards: list[dict] = []
    card: dict | None = None
    field = None
    pending_title = ""
    for raw in body.splitlines():
        line = raw.rstrip()
        key, _, value = line.partition("\t")
        key = key.strip()
        if key == "Name":
            if card and card.get("name") and not value.strip() and not pending_title:
                continue  # "Name" repeated on the next line
            if card and card.get("name") == value.strip():
                continue
            card = {"name": value.strip() or pending_title}
            cards.append(card)
            field, pending_title = "name", ""
            continue
        if not key and value.strip() and (card is None or "notes" in card):
            pending_title = value.strip()  # a title printed before its "Name" line
            continue
        if key in FIELDS and pending_title:
            card = {"name": pending_title}  # the title stood alone, with no "Name" line
            cards.append(card)
            pending_title = ""
        if key in FIELDS and card is not None:
            field = FIELDS[key]
            card[field] = (card.get(field, "") + " " + value.strip()).strip()
            continue
        if key.startswith("Who acts on the") and card is not None:
            field = "who_acts"
            card[field] = (card.get(field, "") + " " + value.strip()).strip()
            continue
        if card is None or field is None or NOISE.match(key or ""):
            if value.strip() and field and card is not None:
                card[field] = (card.get(field, "") + " " + value.strip()).strip()
            continue
        extra = " ".join(part.strip() for part in (key, value) if part.strip())
        if extra:
            card[field] = (card.get(field, "") + " " + extra).strip()
    clean = []
    for c in cards:
        c = {k: re.sub(r"\s+", " ", v.replace("\uf0b7", "•")).strip() for k, v in c.items()}
        c["name"] = OCR_NAME_FIXES.get(c["name"], c["name"]).rstrip(".")
        if c["name"] and c["name"] not in {x["name"] for x in clean}:
            clean.append(c)
    return clean


if __name__ == "__main__":
    source = Path(sys.argv[1])
    out = Path(sys.argv[2])
    cards = parse(source.read_text())
    out.write_text(json.dumps(cards, indent=1, ensure_ascii=False) + "\n")
    print(f"{len(cards)} cards -> {out}")
