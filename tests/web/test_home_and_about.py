"""The start page and the About page offer each person only what they can do and should see:
the demo notice says it can be removed only to admins, the framework file's server path is
shown only to admins, and the next steps are links, not bold names."""

from __future__ import annotations

import pytest
from apphelpers import texts
from test_signin import registered, signed_in  # noqa: F401 (a fixture, and the sign-in)

from dtmaturity.domain import framework
from dtmaturity.domain.i18n import t


@pytest.mark.parametrize(
    ("email", "admin"), [("leder@etat.example", False), ("admin@etat.example", True)]
)
def test_the_demo_notice_says_it_can_be_removed_only_to_admins(
    registered,  # noqa: F811
    monkeypatch,
    email,
    admin,
):
    monkeypatch.setenv("DTMATURITY_ADMINS", "admin@etat.example")
    at = signed_in(email)
    assert not at.exception
    page = texts(at)
    assert t("nb", "demo_present_viewer") in page
    assert (t("nb", "demo_present") in page) is admin


@pytest.mark.parametrize(
    ("email", "admin"), [("leder@etat.example", False), ("admin@etat.example", True)]
)
def test_the_framework_files_path_is_shown_only_to_admins(
    registered,  # noqa: F811
    monkeypatch,
    email,
    admin,
):
    monkeypatch.setenv("DTMATURITY_ADMINS", "admin@etat.example")
    at = signed_in(email).switch_page("pages/about.py").run()
    assert not at.exception
    path = str(framework.framework_path())
    assert (path in texts(at).replace("\\", "")) is admin


def test_the_next_steps_are_links_to_the_pages(registered):  # noqa: F811
    at = signed_in("leder@etat.example")
    links = {str(link.proto.page) for link in at.get("page_link")}
    assert any(page.endswith("checkin.py") or "checkin" in page for page in links), links
    assert "**" not in t("nb", "home_next")
