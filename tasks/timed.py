"""A task result with its own duration, since concurrent tasks cannot be timed from the flow."""

from __future__ import annotations

from typing import Generic, TypeVar

from pydantic import BaseModel

T = TypeVar("T")


class Timed(BaseModel, Generic[T]):
    value: T
    seconds: float
