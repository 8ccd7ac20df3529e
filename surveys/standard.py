"""The two surveys the KVIs read: the trust survey and the change survey.

Created by a data migration (so the KVI rules work without demo data) and again, idempotently,
by the demo loader (tests that flush the database get them back). Committees may change the
categories and questions in the admin afterwards: they are data.
"""

TRUST = "trust"
CHANGE = "change"

#: key, name, description, categories (name, is_headline), questions (code, text, category)
STANDARD_SURVEYS = [
    (
        TRUST,
        "Trust survey",
        "How far customers trust the provider, by category. Feeds the customer relationship KVI.",
        [
            ("Overall trust", True),
            ("Strategic decisions", False),
            ("Operational services", False),
            ("Customer first", False),
        ],
        [
            ("S1", "We involve you in decisions that affect you.", "Strategic decisions"),
            ("S2", "Our plans reflect what customers asked for.", "Strategic decisions"),
            ("S3", "We explain the reasons for our decisions.", "Strategic decisions"),
            ("O1", "Our services run as we said they would.", "Operational services"),
            ("O2", "We answer your contacts within the timescales.", "Operational services"),
            ("O3", "We fix problems right first time.", "Operational services"),
            ("C1", "We understand your business needs.", "Customer first"),
            ("C2", "We act on your feedback.", "Customer first"),
            ("C3", "We treat you as a valued customer.", "Customer first"),
        ],
    ),
    (
        CHANGE,
        "Change survey",
        "How customers rate their involvement in change. Feeds the customer engagement in change "
        "KVI.",
        [("Change score", True)],
        [
            ("CH1", "We involved and consulted you in solution development.", "Change score"),
            ("CH2", "We gave you what you needed to be ready for the change.", "Change score"),
            ("CH3", "The change was delivered as agreed.", "Change score"),
            ("CH4", "The change delivered the benefit you expected.", "Change score"),
        ],
    ),
]


def create_standard_surveys(apps) -> None:
    """Create the standard surveys, their categories and questions where missing."""
    Survey = apps.get_model("surveys", "Survey")
    Category = apps.get_model("surveys", "Category")
    Question = apps.get_model("surveys", "Question")
    for order, (key, name, description, categories, questions) in enumerate(STANDARD_SURVEYS):
        survey, created = Survey.objects.get_or_create(
            key=key,
            defaults={"name": name, "description": description, "display_order": order},
        )
        if not created:
            continue
        by_name = {}
        for position, (cat_name, headline) in enumerate(categories):
            by_name[cat_name] = Category.objects.create(
                survey=survey, name=cat_name, position=position, is_headline=headline
            )
        for position, (code, text, cat_name) in enumerate(questions):
            Question.objects.create(
                survey=survey, code=code, text=text, category=by_name[cat_name], position=position
            )
