"""A typed registry of long-lived services features share (knowledge base, detector...)."""

from __future__ import annotations

from typing import TypeVar, cast

T = TypeVar("T")


class Services:
    def __init__(self) -> None:
        self._items: dict[type, object] = {}

    def put(self, item: object, as_type: type | None = None) -> None:
        self._items[as_type or type(item)] = item

    def get(self, kind: type[T]) -> T:
        try:
            return cast(T, self._items[kind])
        except KeyError:
            raise LookupError(f"no {kind.__name__} service is running") from None

    def find(self, kind: type[T]) -> T | None:
        item = self._items.get(kind)
        return cast(T, item) if item is not None else None
