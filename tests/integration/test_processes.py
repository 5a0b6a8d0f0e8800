"""The integration suite's ports: any free one, or only those of PORTE_VOIX_TEST_PORTS (no
service needed: these run with the unit suite)."""

from __future__ import annotations

import socket

import pytest

from tests.integration.processes import PORTS_VARIABLE, free_port, port_range


@pytest.mark.parametrize(
    ("value", "expected"),
    [("8330-8339", range(8330, 8340)), ("8330", range(8330, 8331)), (" 8330-8330 ", range(8330, 8331))],
)
def test_a_port_range_is_read_from_first_to_last(value, expected):
    # when / then
    assert port_range(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("ports", "PORTE_VOIX_TEST_PORTS='ports': give a port range such as 8330-8339"),
        ("8330-", "PORTE_VOIX_TEST_PORTS='8330-': give a port range such as 8330-8339"),
        ("8339-8330", "PORTE_VOIX_TEST_PORTS='8339-8330': give a range of ports between 1024 and 65535, low to high"),
        ("80-90", "PORTE_VOIX_TEST_PORTS='80-90': give a range of ports between 1024 and 65535, low to high"),
        (
            "65530-65536",
            "PORTE_VOIX_TEST_PORTS='65530-65536': give a range of ports between 1024 and 65535, low to high",
        ),
    ],
)
def test_a_malformed_port_range_is_refused_with_what_to_give(value, message):
    # when / then
    with pytest.raises(ValueError) as refused:
        port_range(value)
    assert str(refused.value) == message


@pytest.fixture
def listening():
    """A loopback port something listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(1)
        yield int(sock.getsockname()[1])


def test_without_a_range_any_free_port_is_given(monkeypatch):
    # given
    monkeypatch.delenv(PORTS_VARIABLE, raising=False)

    # when
    port = free_port()

    # then: nothing listens there
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", port))


def test_within_a_range_a_port_in_use_is_skipped(monkeypatch, listening):
    # given: a range whose first port is taken (the next one is free, or the range has none)
    with socket.socket() as probe:
        next_free = probe.connect_ex(("127.0.0.1", listening + 1)) != 0
    if not next_free:
        pytest.skip("the port after the listening one is in use on this machine")
    monkeypatch.setenv(PORTS_VARIABLE, f"{listening}-{listening + 1}")

    # when / then
    assert free_port() == listening + 1


def test_a_range_with_every_port_in_use_fails_the_test_with_the_range(monkeypatch, listening):
    # given
    monkeypatch.setenv(PORTS_VARIABLE, str(listening))

    # when / then
    with pytest.raises(pytest.fail.Exception) as failed:
        free_port()
    assert str(failed.value) == f"no free port left in {PORTS_VARIABLE}={listening}"
