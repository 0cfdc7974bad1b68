from django.urls import path

from pomochi.aid.views import needs, offers, promises, rounds

urlpatterns = [
    path("needs/", needs.need_list, name="needs"),
    path("needs/new/", needs.need_new, name="need-new"),
    path("needs/<int:need_id>/", needs.need_detail, name="need"),
    path("needs/<int:need_id>/edit/", needs.need_edit, name="need-edit"),
    path("needs/<int:need_id>/withdraw/", needs.need_withdraw, name="need-withdraw"),
    path("needs/<int:need_id>/promise/", needs.need_promise, name="need-promise"),
    path("offers/", offers.offer_list, name="offers"),
    path("offers/new/", offers.offer_new, name="offer-new"),
    path("offers/<int:offer_id>/edit/", offers.offer_edit, name="offer-edit"),
    path("offers/<int:offer_id>/withdraw/", offers.offer_withdraw, name="offer-withdraw"),
    path("promises/", promises.promise_list, name="promises"),
    path("promises/<int:commitment_id>/", promises.promise_detail, name="promise"),
    path("promises/<int:commitment_id>/fulfil/", promises.promise_fulfil, name="promise-fulfil"),
    path("promises/<int:commitment_id>/fail/", promises.promise_fail, name="promise-fail"),
    path("promises/<int:commitment_id>/accept/", promises.promise_accept, name="promise-accept"),
    path("promises/<int:commitment_id>/decline/", promises.promise_decline, name="promise-decline"),
    path("rounds/", rounds.round_list, name="rounds"),
    path("rounds/new/", rounds.round_new, name="round-new"),
    path("rounds/<int:round_id>/", rounds.round_detail, name="round"),
    path("rounds/<int:round_id>/edit/", rounds.round_edit, name="round-edit"),
    path("rounds/<int:round_id>/decide/", rounds.round_decide, name="round-decide"),
    path("rounds/<int:round_id>/execute/", rounds.round_execute, name="round-execute"),
    path("rounds/<int:round_id>/cancel/", rounds.round_cancel, name="round-cancel"),
    path("rounds/<int:round_id>/appeal/", rounds.round_appeal, name="round-appeal"),
    path(
        "rounds/<int:round_id>/appeals/<int:appeal_id>/decide/",
        rounds.appeal_decide,
        name="appeal-decide",
    ),
]
