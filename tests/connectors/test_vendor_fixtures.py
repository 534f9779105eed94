"""Every vendor fixture names the documentation page it follows."""

from .vendor_fixtures import ROOT, example, sources


def test_every_fixture_names_its_source_and_has_an_example():
    found = sources()
    assert {name.split("/")[0] for name in found} == {"jira", "hubspot", "segment"}
    assert len(found) == len(list(ROOT.glob("*/*.json")))
    for name, source in found.items():
        vendor, stem = name.split("/")
        assert source.startswith("https://"), name
        assert example(vendor, stem) is not None, name
