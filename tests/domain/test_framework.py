"""The framework file: the default model is complete, and a broken file is reported clearly."""

import pytest

from dtmaturity.domain.framework import DEFAULT_PATH, FrameworkError, load, parse

THEMES = ["user", "technology", "leadership", "innovation", "organisation", "data", "ecosystem"]
COMPETENCIES = [
    "citizen",
    "collaborate",
    "experiment",
    "storytelling",
    "mission",
    "challenge",
    "motivate",
]


def test_default_framework_has_the_models_items_in_order(framework):
    assert [t.id for t in framework.themes] == THEMES
    assert [c.id for c in framework.competencies] == COMPETENCIES
    assert len(framework.roles) == 9
    assert {q.lens for q in framework.questions} == {"wheel", "competencies", "roles"}
    assert len(framework.questions_for("competencies")) == 3
    assert len(framework.questions_for("roles")) == 6


# Names from shared/domain.md (facts of the model, not our wording).
NAMES = {
    "user": ("Brukerorientering", "User orientation"),
    "technology": ("Teknologi", "Technology"),
    "leadership": ("Ledelse", "Leadership"),
    "innovation": ("Innovasjon", "Innovation"),
    "organisation": ("Virksomhet", "Organisation"),
    "data": ("Data", "Data"),
    "ecosystem": ("Økosystem", "Ecosystem"),
    "citizen": ("Sette borger i sentrum", "Put the citizen at the centre"),
    "collaborate": ("Samarbeide på tvers", "Collaborate across boundaries"),
    "experiment": ("Våge å prøve og feile", "Dare to try and fail"),
    "storytelling": (
        "Fortelle historier og skape engasjement",
        "Tell stories and build engagement",
    ),
    "mission": ("Løse samfunnsoppdraget på nye måter", "Solve the public mission in new ways"),
    "challenge": ("Utfordre det etablerte", "Challenge the established"),
    "motivate": ("Belønne og motivere nytenkning", "Reward and motivate new thinking"),
}


def test_default_framework_names_match_the_model(framework):
    assert {i.id: (i.name["nb"], i.name["en"]) for i in framework.items} == NAMES


def test_every_label_has_both_languages_and_every_item_a_status(framework):
    for item in (*framework.items, *framework.roles):
        assert item.name["nb"] and item.name["en"] and item.description["nb"]
        assert item.status and item.source
    for scale in framework.scales:
        assert scale.values == [1, 2, 3, 4, 5]
        assert all(level.label["en"] and level.description["nb"] for level in scale.levels)


def test_version_key_changes_when_the_content_changes(framework):
    edited = parse(framework.content.replace("Brukerorientering", "Brukerfokus"), "edited.toml")
    assert edited.version == framework.version
    assert edited.version_key != framework.version_key


def _broken(replace_from: str, replace_to: str) -> str:
    content = DEFAULT_PATH.read_text(encoding="utf-8")
    assert replace_from in content
    return content.replace(replace_from, replace_to, 1)


def test_missing_english_label_names_file_entry_and_problem(tmp_path):
    path = tmp_path / "framework.toml"
    path.write_text(_broken('en = "User orientation"', ""), encoding="utf-8")
    with pytest.raises(FrameworkError) as error:
        load(path)
    message = str(error.value)
    assert str(path) in message
    assert "themes[0] (id 'user')" in message
    assert "name.en" in message


def test_duplicate_id_and_unknown_scale_are_both_reported(tmp_path):
    content = _broken('id = "technology"', 'id = "user"').replace(
        'scale = "competence"', 'scale = "skill"', 1
    )
    with pytest.raises(FrameworkError) as error:
        parse(content, "fw.toml")
    problems = error.value.problems
    assert any("duplicate id 'user'" in p for p in problems)
    assert any("unknown scale 'skill'" in p for p in problems)


def test_levels_must_cover_the_scale(tmp_path):
    with pytest.raises(FrameworkError, match=r"levels must have values 1\.\.5"):
        parse(_broken("value = 5", "value = 6"), "fw.toml")


def test_invalid_toml_is_reported_with_the_file_name(tmp_path):
    path = tmp_path / "broken.toml"
    path.write_text("[framework\nid = 1", encoding="utf-8")
    with pytest.raises(FrameworkError, match=r"(?s)broken.toml.*not valid TOML"):
        load(path)


def test_missing_file_is_reported():
    with pytest.raises(FrameworkError, match="file not found"):
        load("/nonexistent/framework.toml")


def test_missing_nynorsk_label_is_reported_like_any_other_framework_error(tmp_path):
    path = tmp_path / "framework.toml"
    path.write_text(_broken('nn = "Brukarorientering"', ""), encoding="utf-8")
    with pytest.raises(FrameworkError) as error:
        load(path)
    assert "themes[0] (id 'user'): missing or empty 'name.nn'" in str(error.value)


def test_sources_and_statuses_are_in_every_language(framework):
    for entry in (*framework.items, *framework.roles, *framework.questions):
        assert set(entry.status) == set(entry.source) == {"nb", "nn", "en"}
        assert all(entry.status.values()) and all(entry.source.values())
    assert framework.source["nn"] != framework.source["nb"]


# Guidance after results: links and example actions per item (issue 27), as data.
SOURCED_HOSTS = ("https://www.digdir.no/", "https://dfo.no/", "https://arbeidsgiver.dfo.no/")


def test_every_item_of_the_default_framework_has_sourced_links_and_an_example_action(framework):
    for item in framework.items:
        assert item.resources and item.ideas, item.id
        for resource in item.resources:
            assert resource.url.startswith(SOURCED_HOSTS), resource.url
            assert all(resource.title[lang] for lang in ("nb", "nn", "en"))
        for idea in item.ideas:
            assert all(idea[lang] for lang in ("nb", "nn", "en"))
            assert idea["nn"] != idea["nb"]


def test_an_item_without_links_or_ideas_is_fine(framework):
    start = framework.content.index("resources = [")
    end = framework.content.index("[themes.name]")
    edited = parse(framework.content[:start] + framework.content[end:], "fw.toml")
    assert edited.items_by_id["user"].resources == ()
    assert edited.items_by_id["user"].ideas == ()


def test_a_bad_link_or_an_idea_missing_a_language_names_the_item_and_the_entry():
    content = _broken(
        'url = "https://www.digdir.no/digitalisering-og-samordning/fagkunnskap',
        'url = "javascript:alert(1)/fagkunnskap',
    ).replace('{ nb = "La hver leder', '{ nb = "", nx = "La hver leder', 1)
    with pytest.raises(FrameworkError) as error:
        parse(content, "fw.toml")
    problems = error.value.problems
    assert any(
        p.startswith("themes[0] (id 'user') resources[0]") and "http:// or https://" in p
        for p in problems
    )
    assert "themes[0] (id 'user') ideas[0]: missing or empty 'nb'" in problems


def test_resources_must_be_a_list():
    content = _broken("resources = [", "resources = 'x'\nnot_used = [")
    with pytest.raises(FrameworkError, match=r"'resources' must be a list"):
        parse(content, "fw.toml")
