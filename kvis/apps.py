from django.apps import AppConfig


class KvisConfig(AppConfig):
    name = "kvis"
    verbose_name = "KVIs"
