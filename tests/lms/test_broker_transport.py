"""The embedded broker: a message appears in the queue folder whole, or not at all."""

from __future__ import annotations

import os

import pytest
from kombu import Connection
from kombu.exceptions import ChannelError
from kombu.transport.filesystem import Channel as KombuChannel

from lms import broker_transport
from tests.lms.test_embedded_mode import dev_settings


@pytest.fixture
def folders(tmp_path):
    queue, processed = tmp_path / "queue", tmp_path / "processed"
    queue.mkdir()
    processed.mkdir()
    return {"data_folder_in": str(queue), "data_folder_out": str(queue), "processed_folder": str(processed)}


def _channel(transport, options):
    connection = Connection("filesystem://localhost/", transport=transport, transport_options=options)
    return connection, connection.default_channel


def test_a_reader_polling_while_a_message_is_written_finds_nothing_then_the_whole_message(folders, monkeypatch):
    # given: a publisher and a worker on the same queue folder
    publisher_connection, publisher = _channel(broker_transport.Transport, folders)
    reader_connection, reader = _channel(broker_transport.Transport, folders)
    seen_while_writing = []
    real_replace = os.replace

    def replace_after_a_poll(source, destination):
        # the worker polls at the worst moment: the bytes are written, not yet in place
        try:
            seen_while_writing.append(reader._get("celery"))
        except Exception as exc:  # noqa: BLE001 - what the poll raised is the point
            seen_while_writing.append(type(exc).__name__)
        real_replace(source, destination)

    monkeypatch.setattr(broker_transport.os, "replace", replace_after_a_poll)

    # when: a message is published
    publisher._put("celery", {"task": "lms.home.tasks.worker_heartbeat_task", "n": 1})

    # then: the poll in the middle found nothing to take, the next one the whole message
    assert seen_while_writing == ["Empty"]
    assert reader._get("celery") == {"task": "lms.home.tasks.worker_heartbeat_task", "n": 1}
    assert os.listdir(folders["data_folder_in"]) == []
    publisher_connection.release()
    reader_connection.release()


def test_kombus_own_transport_hands_a_half_written_message_to_the_reader(folders):
    # given: what kombu's publisher leaves for an instant, an empty file under its final name
    connection, reader = _channel("filesystem", folders)
    assert isinstance(reader, KombuChannel) and not isinstance(reader, broker_transport.Channel)
    with open(os.path.join(folders["data_folder_in"], "1_abc.celery.msg"), "wb"):
        pass

    # when the worker polls, then it fails on the empty payload (why this transport exists)
    with pytest.raises(ValueError):
        reader._get("celery")
    connection.release()


def test_a_message_that_cannot_be_written_leaves_no_file_behind(folders, monkeypatch):
    # given: a disk that refuses the rename
    connection, publisher = _channel(broker_transport.Transport, folders)

    def refuse(source, destination):
        raise OSError("disk full")

    monkeypatch.setattr(broker_transport.os, "replace", refuse)

    # when / then: a clear error, and neither a partial nor a whole message in the folder
    with pytest.raises(ChannelError, match="Cannot add file"):
        publisher._put("celery", {"n": 1})
    assert os.listdir(folders["data_folder_in"]) == []
    connection.release()


def test_the_embedded_settings_select_this_transport_and_the_scaled_ones_do_not(tmp_path):
    # when
    embedded = dev_settings(tmp_path, ("CELERY_BROKER_TRANSPORT",))
    scaled = dev_settings(tmp_path, ("CELERY_BROKER_TRANSPORT",), CELERY_BROKER_URL="redis://127.0.0.1:6379/0")

    # then
    assert embedded["CELERY_BROKER_TRANSPORT"] == "lms.broker_transport:Transport"
    assert scaled["CELERY_BROKER_TRANSPORT"] is None
