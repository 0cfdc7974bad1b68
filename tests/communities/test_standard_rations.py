"""The bylaws' standard rations (per person per week, by resource, in its unit) and the cover
under which a store needs attention: checked, edited on the bylaws' page, set at founding."""

import pytest
from django.urls import reverse

from pomochi.communities.bylaws import default_rules, standard_ration, validate_rules
from pomochi.communities.selectors import bylaws_current, rules_current
from pomochi.errors import InvalidInput
from pomochi.onboarding.services import community_establish
from tests.conftest import make_user


def test_a_ration_is_a_plain_quantity_in_the_unit():
    rules = validate_rules(default_rules() | {"standard_rations": {"grain": " 2.5 "}})
    assert rules["standard_rations"] == {"grain": "2.5"}
    assert str(standard_ration(rules, "grain")) == "2.5"
    assert standard_ration(rules, "salt") is None
    assert (
        default_rules()["standard_rations"] == {} and default_rules()["cover_attention_weeks"] == 4
    )


@pytest.mark.parametrize("bad", ["two", "-1", "1e3", "2,5", ""])
def test_a_ration_that_is_not_a_quantity_is_refused(bad):
    with pytest.raises(InvalidInput, match="standard_rations.grain"):
        validate_rules(default_rules() | {"standard_rations": {"grain": bad}})


def test_the_cover_threshold_is_bounded():
    with pytest.raises(InvalidInput, match="cover_attention_weeks"):
        validate_rules(default_rules() | {"cover_attention_weeks": 105})


def change(client, v, **fields):
    client.force_login(v.vera.user)
    url = reverse("bylaws-change", args=["village"])
    form = client.get(url).context["form"]
    data = {k: val for k, val in form.initial.items() if val is not False}
    return client.post(url, data | {"reason": "rations"} | fields)


def test_the_bylaws_page_edits_the_rations_and_keeps_them(client, village):
    response = change(client, village, standard_rations="grain = 2\r\npotatoes = 3,5\r\n")
    assert response.status_code == 302
    rules = rules_current(community_id=village.community.id)
    assert rules["standard_rations"] == {"grain": "2", "potatoes": "3.5"}
    # another change leaves them as they were
    assert change(client, village, approval_quorum="3").status_code == 302
    current = bylaws_current(community=village.community)
    assert current.rules["standard_rations"] == {"grain": "2", "potatoes": "3.5"}
    page = client.get(reverse("bylaws", args=["village"])).content.decode()
    assert "grain = 2; potatoes = 3.5" in page


def test_a_ration_line_without_a_quantity_is_refused_next_to_it(client, village):
    response = change(client, village, standard_rations="grain")
    assert response.status_code == 422
    assert response.context["form"].errors["standard_rations"] == [
        "Write each ration as RESOURCE = QUANTITY, not 'grain'."
    ]
    assert bylaws_current(community=village.community).version == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", {"grain": "2", "potatoes": "3", "firewood": "1"}),
        ("ru", {"зерно": "2", "картофель": "3", "дрова": "1"}),
    ],
)
def test_a_village_is_founded_with_its_starter_rations(language, expected):
    community = community_establish(
        founder=make_user(f"founder-{language}"),
        name="Dubki",
        slug=f"dubki-{language}",
        language=language,
        starter="village",
    )
    rules = rules_current(community_id=community.id)
    assert rules["standard_rations"] == expected  # seed potatoes are sown, not eaten
    assert bylaws_current(community=community).version == 1  # founding bylaws, not a change
