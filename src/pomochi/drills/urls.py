from django.urls import path

from pomochi.drills import views

urlpatterns = [
    path("drill/", views.drill, name="drill"),
]
