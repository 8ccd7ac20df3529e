from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Organisations and committees"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from core import presentation
        from core.sessions import stamp_login

        user_logged_in.connect(stamp_login, dispatch_uid="core.sessions.stamp_login")
        presentation.install()
