from importlib import import_module
from importlib.util import find_spec

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction


class Command(BaseCommand):
    help = "Load the demo data of every app (idempotent: a second run changes nothing)."

    def handle(self, *args, **options):
        with transaction.atomic():
            modules = [
                import_module(f"{app}.demo")
                for app in settings.LOCAL_APPS
                if find_spec(f"{app}.demo")
            ]
            # Two phases: every app's records first, then what is computed from other apps'
            # records (e.g. monthly KVI updates whose suggested RAG reads the registers).
            for module in modules:
                module.load(stdout=self.stdout)
                self.stdout.write(f"demo data: {module.__name__}")
            for module in modules:
                if hasattr(module, "load_late"):
                    module.load_late(stdout=self.stdout)
                    self.stdout.write(f"demo data (late): {module.__name__}")
        from core.demo import DEMO_PASSWORD, DEMO_USERS

        self.stdout.write(self.style.SUCCESS(f"Demo logins (password for all: {DEMO_PASSWORD}):"))
        for username, _name, role, _email in DEMO_USERS:
            self.stdout.write(f"  {username:<10} {role or 'party user (sees only its own plans)'}")
