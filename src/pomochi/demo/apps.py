from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "pomochi.demo"
    label = "demo"
    verbose_name = "Demo village"
