"""The build's settings: one typed object, the same from Snakemake's config, the command
line and a job request."""

import argparse

import pytest

from briefs.settings import (OPTIONS, PREVIEW_OPTIONS, Settings, SettingsError,
                             add_arguments)
from briefs.workflow.requests import BuildBrief, BuildEdition, Publish, decode, encode
from conftest import run_snakemake


@pytest.mark.parametrize("config, said", [
    ("audiance=internal", "unknown setting 'audiance': the settings are audience, cache, now, out,"),
    ("pdf_variant=pdf/x-1a", "pdf_variant must be one of pdf/ua-1, pdf/ua-2,"),
    ("translations=lenient", "translations must be one of notice, strict, not 'lenient'"),
    ("site_url=-2+3/", "site_url must be the web address build/ is published at"),
])
def test_a_setting_the_build_cannot_take_is_refused_before_anything_is_built(project, config,
                                                                            said):
    """A misspelled key was ignored: a build meant to be internal, say, was built public."""
    result = run_snakemake(project, "--config", config)
    assert result.returncode != 0
    assert said in result.stderr and "Nothing was built." in result.stderr, result.stderr
    assert not (project.root / "build").exists()


def test_settings_are_the_same_after_each_way_they_travel(tmp_path):
    given = Settings.from_config({"audience": "internal", "pdf_variant": "pdf/a-3u",
                                  "site_url": "https://briefs.example.org",
                                  "translations": "strict", "out": "elsewhere"}, tmp_path)
    assert given.site_url == "https://briefs.example.org/"
    assert given.cache == tmp_path / ".cache" / "internal"
    assert given.folder() == "elsewhere"
    for request in (BuildBrief("a-brief", "build/a-brief", given),
                    BuildEdition("a-brief", "ru", "somewhere", given),
                    Publish(("build/a/a.en.json",), "build/index.html", "build/manifest.json",
                            given)):
        assert decode(encode(tmp_path, request)) == (str(tmp_path), request)
    parser = argparse.ArgumentParser()
    add_arguments(parser, PREVIEW_OPTIONS)
    again = Settings.from_arguments(parser.parse_args(given.arguments(PREVIEW_OPTIONS)),
                                    tmp_path)
    assert [getattr(again, field) for field in PREVIEW_OPTIONS] == [
        getattr(given, field) for field in PREVIEW_OPTIONS]


def test_every_option_has_a_field_and_a_choice_is_checked_however_settings_are_made():
    assert {option.field for option in OPTIONS} <= set(Settings.__dataclass_fields__)
    with pytest.raises(SettingsError, match="audience must be one of public, internal"):
        Settings(audience="everyone")


@pytest.mark.parametrize("url", [
    "-2+3/", "=HYPERLINK(1)", "javascript:alert(1)//", "briefs.example.org",
    "ftp://briefs.example.org/", "https://", 'https://x.org/"><script>', "https://x.org/a b/",
    "https://x.org/?q=1", "https://x.org/#top", "https://user@x.org/", "file:///etc/",
])
def test_a_site_url_that_is_not_a_plain_web_address_is_refused(url):
    """The address is written into every page, feed and data file as it is given."""
    with pytest.raises(SettingsError, match="site_url must be the web address"):
        Settings(site_url=url)


def test_a_plain_site_url_is_taken():
    for url in ("https://briefs.example.org", "http://127.0.0.1:8000/briefs/"):
        assert Settings(site_url=url).site_url.startswith(url)
