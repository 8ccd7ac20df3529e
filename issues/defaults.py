"""Version 1 of the registers' configuration: the scoring matrix with the documented bands
(DOMAIN rule 1) and the breach policy with its field defaults.

Migration 0002 created them; `defaults_create` puts them back where a database lost them
(a transactional test's flush). Pages only read them (`selectors.matrix_current`).
"""

from dataclasses import asdict

from django.apps import apps as live_apps

from issues import rules


def defaults_create(apps=live_apps) -> None:
    """Create version 1 of the matrix (with its bands) and of the breach policy when missing."""
    ScoringMatrix = apps.get_model("issues", "ScoringMatrix")
    Band = apps.get_model("issues", "Band")
    BreachPolicy = apps.get_model("issues", "BreachPolicy")
    matrix, created = ScoringMatrix.objects.get_or_create(version=1)
    if created:
        Band.objects.bulk_create(Band(matrix=matrix, **asdict(b)) for b in rules.DEFAULT_BANDS)
    BreachPolicy.objects.get_or_create(version=1)
