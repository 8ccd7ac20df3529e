from django.apps import AppConfig


class IssuesConfig(AppConfig):
    name = "issues"
    verbose_name = "Issues and breaches"

    def ready(self) -> None:
        from issues import pack, selectors
        from kvis.registry import (
            PackSection,
            register_late_entries,
            register_pack_section,
            register_rule,
        )

        register_rule(
            "issues.breaches_monthly",
            "Data breaches in the month against thresholds (rule 2)",
            selectors.breaches_monthly_suggestion,
        )
        register_rule(
            "issues.communications_monthly",
            "Communications: month's mean score and class (rule 4)",
            selectors.communications_monthly_suggestion,
        )
        register_rule(
            "issues.issue_resolution",
            "Issue resolution: new issues scored, required actions on time",
            selectors.issue_resolution_suggestion,
        )
        for key, title, context, figures, order, rule_key in (
            (
                "issues.register_summary",
                "Issue register",
                pack.issue_register_context,
                selectors.pack_register_figures,
                40,
                "issues.issue_resolution",
            ),
            (
                "issues.breaches",
                "Data breaches",
                pack.breaches_context,
                selectors.pack_breach_figures,
                41,
                "issues.breaches_monthly",
            ),
            (
                "issues.communications",
                "Communications",
                pack.communications_context,
                selectors.pack_comms_figures,
                42,
                "issues.communications_monthly",
            ),
        ):
            register_pack_section(
                PackSection(
                    key=key,
                    title=title,
                    template_name=f"issues/pack/{key.split('.', 1)[1]}.html",
                    context=context,
                    figures=figures,
                    order=order,
                    rule_keys=(rule_key,),
                )
            )
        register_late_entries("issues.registers", selectors.late_entries_before)
