from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = "Surveys"

    def ready(self) -> None:
        from kvis.registry import (
            PackSection,
            register_late_entries,
            register_pack_section,
            register_rule,
        )
        from surveys import kvi_rules, pack

        register_rule(
            "surveys.trust",
            "Trust survey: overall trust against target (customer relationship)",
            kvi_rules.trust_suggestion,
        )
        register_rule(
            "surveys.change",
            "Change survey: latest score and year to date (customer engagement in change)",
            kvi_rules.change_suggestion,
        )
        register_pack_section(
            PackSection(
                key="surveys.scores",
                title="Survey scores",
                template_name="surveys/pack/scores.html",
                context=pack.scores_context,
                order=60,
                rule_keys=("surveys.trust", "surveys.change"),
            )
        )
        register_late_entries("surveys.rounds", pack.late_rounds)
