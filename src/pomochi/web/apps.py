from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "pomochi.web"
    label = "web"
