"""The ingest API's publisher and report reader (services/ingest/ports.py) over a list."""

from services.ingest.ports import Delivered, Message, PublishFailed


class FakeKafka:
    """A publisher and reader over a list; `down` makes it fail like a broker that is down."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, Message]] = []
        self.down = False

    def publish(self, *, topic: str, messages: list[Message]) -> list[Delivered]:
        """Append the messages, or raise PublishFailed when down."""
        if self.down:
            raise PublishFailed("broker down")
        start = len(self.messages)
        self.messages += [(topic, m) for m in messages]
        return [Delivered(partition=0, offset=start + i) for i in range(len(messages))]

    def read(self, *, topic: str, partition: int, offset: int) -> bytes | None:
        """The value at an offset (of any topic: offsets count every message), or None."""
        return self.messages[offset][1].value if offset < len(self.messages) else None

    def on(self, topic: str) -> list[Message]:
        """The messages published to one topic, in order."""
        return [m for t, m in self.messages if t == topic]
