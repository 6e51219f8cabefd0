"""Column types that keep Python values exact on both SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

from cases.money import CENT


class UtcDateTime(TypeDecorator[datetime]):
    """Aware timestamps stored in UTC; SQLite would otherwise drop the offset silently."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"refusing to store a timestamp without a time zone: {value!r}")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Money(TypeDecorator[Decimal]):
    """US dollars as whole cents in an integer column: exact, and no float on SQLite."""

    impl = sa.BigInteger
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> int | None:
        return None if value is None else int((value * 100).to_integral_value())

    def process_result_value(self, value: int | None, dialect: Dialect) -> Decimal | None:
        return None if value is None else (Decimal(value) / 100).quantize(CENT)


def text_enum(enum: type[StrEnum]) -> sa.Enum:
    """An enum stored as its value in a plain string column (no database enum type to migrate)."""

    def values(members: Any) -> list[str]:
        return [member.value for member in members]

    return sa.Enum(enum, native_enum=False, create_constraint=False, length=40, values_callable=values)
