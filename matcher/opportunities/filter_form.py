"""The search form's long lists (countries, languages, sub-regions, interests), rendered once.

They are pure fragments of the reference data: about 700 options and checkboxes that cost more
to render than the rest of the page. Each list is rendered once per process, reference version
and language (services.reference.derived, keyed by the reader's language: names and order differ)
as escaped HTML, item by item; a request only marks its selected values, so the form shows them
checked without JavaScript. Values stay codes and English region names, whatever the language.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from markupsafe import Markup, escape
from sqlalchemy.orm import Session

from matcher.formatting import label_for, language, region_label, sort_key
from matcher.reference.places import M49_GROUPINGS, UNINHABITED
from matcher.services import reference
from matcher.translate import gettext as _
from matcher.web import choices


@dataclass(frozen=True)
class RenderedChoices:
    """Escaped HTML items; `marked[i]` is item i selected (or checked), `at[value]` its positions."""

    items: tuple[str, ...]
    marked: tuple[str, ...]
    at: dict[str, tuple[int, ...]]
    whole: Markup

    def render(self, selected: str | Iterable[str] | None) -> Markup:
        """The items with `selected` (one value, or several) marked; unknown values are ignored."""
        if not selected:
            return self.whole
        values = (selected,) if isinstance(selected, str) else selected
        positions = [i for value in values for i in self.at.get(value, ())]
        if not positions:
            return self.whole
        out = list(self.items)
        for i in positions:
            out[i] = self.marked[i]
        return Markup("".join(out))  # noqa: S704 (every item was built from escaped values)  # nosec B704


class _Builder:
    def __init__(self) -> None:
        self.items: list[str] = []
        self.marked: list[str] = []
        self.at: dict[str, list[int]] = {}

    def text(self, html: str) -> None:
        """A piece that is never selected (a legend, a group's start or end)."""
        self.items.append(html)
        self.marked.append(html)

    def choice(self, value: str, before_mark: str, mark: str, after_mark: str) -> None:
        self.at.setdefault(value, []).append(len(self.items))
        self.items.append(before_mark + after_mark)
        self.marked.append(before_mark + mark + after_mark)

    def option(self, value: str, label: str) -> None:
        self.choice(value, f'<option value="{escape(value)}"', " selected", f">{escape(label)}</option>")

    def checkbox(self, name: str, value: str, label_html: str) -> None:
        start = f'<label class="check"><input type="checkbox" name="{name}" value="{escape(value)}"'
        self.choice(value, start, " checked", f"> {label_html}</label>\n")

    def done(self) -> RenderedChoices:
        return RenderedChoices(
            items=tuple(self.items),
            marked=tuple(self.marked),
            at={value: tuple(positions) for value, positions in self.at.items()},
            whole=Markup("".join(self.items)),  # noqa: S704 (every item was built from escaped values)  # nosec B704
        )


def _options(pairs: Iterable[tuple[str, str]]) -> RenderedChoices:
    built = _Builder()
    for value, label in pairs:
        built.option(value, label)
    return built.done()


@dataclass(frozen=True)
class SearchFormOptions:
    regions: RenderedChoices
    subregions: RenderedChoices
    countries: RenderedChoices
    types: RenderedChoices
    levels: RenderedChoices
    interests: RenderedChoices
    languages: RenderedChoices


def _build(session: Session) -> SearchFormOptions:
    """The lists in the language of the request (or of `force_locale`)."""
    regions = reference.regions(session)
    subregions = _Builder()
    for name, subs in M49_GROUPINGS.items():
        inside = ", ".join(region_label(sub) for sub in subs)
        subregions.checkbox(
            "subregion", name, f'{escape(region_label(name))} <span class="muted">({escape(inside)})</span>'
        )
    for region, subs in regions.items():
        subregions.text(
            f'<fieldset class="checklist-group">\n<legend>{escape(region_label(region))}</legend>\n'
        )
        for sub in sorted(subs, key=lambda sub: sort_key(region_label(sub))):
            subregions.checkbox("subregion", sub, str(escape(region_label(sub))))
        subregions.text("</fieldset>\n")
    interests = _Builder()
    for interest in reference.interests(session):
        interests.checkbox("interest", interest.slug, str(escape(label_for(interest))))
    by_name = sorted(regions, key=lambda region: sort_key(region_label(region)))
    return SearchFormOptions(
        regions=_options([("", _("Any region")), *((region, region_label(region)) for region in by_name)]),
        subregions=subregions.done(),
        # Nobody can host a visit where nobody lives.
        countries=_options(
            (c.value, c.label)
            for c in choices.country_choices(blank=_("Any country"))
            if c.value not in UNINHABITED
        ),
        types=_options([("", _("Any type")), *((t.value, t.label) for t in choices.type_choices())]),
        levels=_options(
            [("any", _("Any level")), *((lv.code, label_for(lv)) for lv in reference.levels(session))]
        ),
        interests=interests.done(),
        languages=_options((c.value, c.label) for c in choices.language_choices(blank=_("Any language"))),
    )


def search_form_options(session: Session) -> SearchFormOptions:
    """The form's lists, rendered once per process, reference version and language."""
    return reference.derived(session, f"search_form_options:{language()}", lambda: _build(session))
