from django.apps import AppConfig


class BareSiteConfig(AppConfig):
    name = "bench.bare_site"
    label = "bare_site"
