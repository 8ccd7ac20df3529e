from django.apps import AppConfig


class PerformancePlansConfig(AppConfig):
    name = "performance_plans"
    verbose_name = "Performance improvement plans"

    def ready(self) -> None:
        from core.contacts import register_activity_lead_resolver
        from kvis.registry import PackSection, register_pack_section
        from performance_plans import pack, predicates, selectors

        del predicates  # imported for the rules it registers
        register_activity_lead_resolver(selectors.activity_lead_emails)
        register_pack_section(
            PackSection(
                key="plans.parties",
                title="Parties on improvement plans",
                template_name="performance_plans/pack/parties.html",
                context=pack.parties_context,
                order=80,
                committees=("PAC",),
            )
        )
