"""Reference data: countries with their regions, the interest taxonomy, training levels."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import JSON, CheckConstraint, String
from sqlalchemy.orm import Mapped, mapped_column

from matcher.db import db


class IncomeGroup(StrEnum):
    LOW = "low"
    LOWER_MIDDLE = "lower-middle"
    UPPER_MIDDLE = "upper-middle"
    HIGH = "high"


class Country(db.Model):
    __tablename__ = "countries"
    __table_args__ = (
        CheckConstraint(
            "income_group IS NULL OR income_group IN ('low', 'lower-middle', 'upper-middle', 'high')",
            name="income_group_known",
        ),
    )

    iso2: Mapped[str] = mapped_column(String(2), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    region: Mapped[str] = mapped_column(String(40), index=True)
    subregion: Mapped[str] = mapped_column(String(60), index=True)
    income_group: Mapped[str | None] = mapped_column(String(20))

    def __repr__(self) -> str:
        return f"<Country {self.iso2}>"


class Translated:
    """Reference data shipped with its words in every interface language (see README, "Languages").

    The English words are the model's own columns (`label`, `group`...); `translations` holds the
    others by language, `{"fr": {"label": "..."}, ...}`, filled by `flask reference sync` from the
    shipped data. `formatting.label_for(row)` (the `|label` filter) picks the reader's language and
    falls back to English for a language or a field the data lacks. Never translated by gettext:
    the words are data, shipped and synced with the rows they name.
    """

    translations: Mapped[dict[str, dict[str, str]]] = mapped_column(JSON, default=dict, server_default="{}")


class Interest(Translated, db.Model):
    __tablename__ = "interests"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    label: Mapped[str] = mapped_column(String(120))
    group: Mapped[str] = mapped_column(String(80), index=True)
    position: Mapped[int] = mapped_column(default=0)


class TrainingLevel(Translated, db.Model):
    """A stage of training; `rank` orders them so a level range is a BETWEEN query."""

    __tablename__ = "training_levels"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    label: Mapped[str] = mapped_column(String(80))
    rank: Mapped[int] = mapped_column(unique=True)


class DataVersion(db.Model):
    """A token that changes, in the same transaction, whenever a kind of data changes.

    Processes keep what they derive from that data (parsed reference tables, pre-rendered form
    options) under the token they read: a new token in the database means "read it again". A token
    is random rather than a counter so that a rolled-back change can never reuse a token some
    process already holds for other data.
    """

    __tablename__ = "data_versions"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    token: Mapped[str] = mapped_column(String(32))
