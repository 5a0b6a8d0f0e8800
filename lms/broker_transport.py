"""kombu's filesystem transport, with messages that appear in the queue folder whole.

kombu (5.7) writes a message straight into the queue folder: it creates the file, then locks
it and writes. A worker polling the folder (every 20 ms here) may move and read the file in
between: it reads nothing, fails to decode it, and the Celery worker stops with "Unrecoverable
error: JSONDecodeError" — and the message, already removed, is lost. This transport writes
each message under a name no reader takes (a leading dot and a ``.part`` suffix), then renames
it into place: a rename within one folder is atomic, so a reader sees the whole message or
nothing. Reading is kombu's, unchanged.

Selected by ``CELERY_BROKER_TRANSPORT`` in the settings whenever the broker is the filesystem.
"""

from __future__ import annotations

import os
import uuid
from time import monotonic
from typing import Any

from kombu.exceptions import ChannelError
from kombu.transport import filesystem
from kombu.utils.encoding import str_to_bytes
from kombu.utils.json import dumps


class Channel(filesystem.Channel):
    # kombu passes the publish options through (**kwargs), which its own stub leaves out.
    def _put(self, queue: str, message: Any, **kwargs: Any) -> None:  # type: ignore[override]
        """Put ``message`` onto ``queue``: written aside, then renamed into the queue folder."""
        name = f"{round(monotonic() * 1000)}_{uuid.uuid4()}.{queue}.msg"
        final = os.path.join(self.data_folder_out, name)
        partial = os.path.join(self.data_folder_out, f".{name}.part")
        try:
            with open(partial, "wb") as file:
                file.write(str_to_bytes(dumps(message)))
            os.replace(partial, final)
        except OSError as exc:
            try:
                os.remove(partial)
            except OSError:
                pass
            raise ChannelError(f"Cannot add file {final!r} to directory") from exc


class Transport(filesystem.Transport):
    Channel = Channel
