"""The ``public_surface`` import contract: apps reach each other through api, data and signals
only, whatever the name of the module they would reach instead."""

import grimp
import pytest

from lms.import_contracts import PublicSurfaceContract


def contract() -> PublicSurfaceContract:
    return PublicSurfaceContract(
        name="public surface",
        session_options={"root_packages": ["courses", "certification", "lms"]},
        contract_options={
            "importers": ["lms", "certification", "courses"],
            "apps": ["certification", "courses"],
            "public": ["api", "data", "signals"],
        },
    )


def graph_with(*imports: tuple[str, str]) -> grimp.ImportGraph:
    graph = grimp.ImportGraph()
    for module in (
        "courses", "courses.api", "courses.data", "courses.signals", "courses.models", "courses.importer",
        "courses.brand_new", "certification", "certification.api", "certification.lifecycle",
        "lms", "lms.home", "lms.home.views",
    ):  # fmt: skip
        graph.add_module(module)
    for importer, imported in imports:
        graph.add_import(importer=importer, imported=imported, line_number=3, line_contents="import")
    return graph


@pytest.mark.parametrize(
    "imports",
    [
        [("certification.api", "courses.api"), ("certification.lifecycle", "courses.data")],
        [("certification.api", "courses.signals")],
        [("lms.home.views", "certification.api"), ("lms.home.views", "courses.api")],
        # inside one app, anything goes
        [("courses.api", "courses.models"), ("certification.api", "certification.lifecycle")],
    ],
)
def test_the_public_surface_is_allowed(imports):
    # when
    check = contract().check(graph_with(*imports), verbose=False)

    # then
    assert check.kept is True


@pytest.mark.parametrize(
    ("importer", "imported"),
    [
        ("certification.api", "courses.models"),
        ("certification.api", "courses.importer"),
        ("certification.api", "courses.brand_new"),  # a new module is private until published
        ("lms.home.views", "certification.lifecycle"),
        ("lms.home.views", "courses"),
    ],
)
def test_anything_else_of_another_app_breaks_the_contract(importer, imported):
    # when
    check = contract().check(graph_with((importer, imported)), verbose=False)

    # then
    assert check.kept is False
    assert check.metadata["violations"] == [{"importer": importer, "imported": imported, "line_number": 3}]
