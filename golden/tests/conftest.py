"""Shared fixtures; figures a test records with record_property("figure", text) are printed at the end of
the run (and land in the JUnit XML), so `make test` shows the cross-check counts."""
import pytest


def pytest_terminal_summary(terminalreporter):
    figures = [v for rep in terminalreporter.getreports("passed") + terminalreporter.getreports("failed")
               for k, v in getattr(rep, "user_properties", []) if k == "figure"]
    if figures:
        terminalreporter.section("npu8 figures")
        for f in figures:
            terminalreporter.write_line(f)


@pytest.fixture
def figure(record_property):
    return lambda text: record_property("figure", text)
