from django.apps import AppConfig


class IssuesConfig(AppConfig):
    name = "issues"
    verbose_name = "Issues and breaches"

    def ready(self) -> None:
        from issues import selectors
        from kvis.registry import PackSection, register_pack_section, register_rule

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
        for key, title, context, order in (
            ("issues.register_summary", "Issue register", selectors.pack_register_summary, 40),
            ("issues.breaches", "Data breaches", selectors.pack_breaches, 41),
            ("issues.communications", "Communications", selectors.pack_communications, 42),
        ):
            register_pack_section(
                PackSection(
                    key=key,
                    title=title,
                    template_name=f"issues/pack/{key.split('.', 1)[1]}.html",
                    context=context,
                    order=order,
                )
            )
