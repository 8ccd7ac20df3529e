from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = "Meetings and reporting calendar"

    def ready(self) -> None:
        from core.roles import register_home
        from kvis import registry
        from meetings import selectors, services

        # The monthly pack is requested on its meeting's pack issue date.
        registry.register_pack_date(selectors.pack_issue_date)
        # KVI owners start from their updates for the next meeting.
        register_home(selectors.home_for_owner)
        # The pack carries its meeting's decisions due and open actions.
        registry.register_pack_section(
            registry.PackSection(
                key=services.PACK_SECTION,
                title="Decisions due and action log",
                template_name="meetings/pack/meeting.html",
                context=selectors.pack_meeting_section,
                order=90,
            )
        )
