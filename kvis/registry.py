"""How other apps plug into the KVI app without the KVI app importing them.

Register apps call these from their `AppConfig.ready()`:

- `register_rule(key, label, provider)`: a measure whose kind is "register" names a rule key;
  its suggested RAG for a month comes from `provider(month) -> Suggestion`.
- `register_pack_section(PackSection(...))`: a section of the monthly committee pack.
- `register_pack_date(provider)`: when a committee's monthly pack is due, e.g. from its meeting.
- `register_late_entries(key, provider)`: `provider(before) -> [kvis.late.LateEntry]`, the
  app's records of months before `before` marked recorded after issue.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from kvis.rules import Suggestion

RuleProvider = Callable[[date], Suggestion]


@dataclass(frozen=True)
class RegisteredRule:
    key: str
    label: str
    provider: RuleProvider


_rules: dict[str, RegisteredRule] = {}


def register_rule(key: str, label: str, provider: RuleProvider) -> None:
    """Make `provider` the source of suggestions for measures with rule key `key`."""
    _rules[key] = RegisteredRule(key=key, label=label, provider=provider)


def rule(key: str) -> RegisteredRule | None:
    """The registered rule for `key`, or None when no installed app provides it."""
    return _rules.get(key)


def rule_choices() -> list[tuple[str, str]]:
    """(key, label) of every registered rule, for forms and the admin."""
    return sorted((r.key, r.label) for r in _rules.values())


@dataclass(frozen=True)
class PackSection:
    """A section of the monthly pack: a template and the data it shows for a committee-month.

    `context(committee, month)` returns a dict for `template_name`; `committees` limits the
    section to committee codes (empty: every committee); `order` places it in the pack;
    `rule_keys` names the register rules whose figures the section shows, so a KVI page can
    refer to it. `figures(committee, month)`, when given, returns the section's figures as
    JSON: the pack's snapshot keeps them, and they are the month's figures "as issued" afterwards.
    """

    key: str
    title: str
    template_name: str
    context: Callable
    order: int = 100
    committees: tuple[str, ...] = field(default_factory=tuple)
    rule_keys: tuple[str, ...] = field(default_factory=tuple)
    figures: Callable | None = None

    def applies_to(self, committee_code: str) -> bool:
        return not self.committees or committee_code in self.committees


_pack_sections: dict[str, PackSection] = {}


def register_pack_section(section: PackSection) -> None:
    """Add (or replace) a pack section."""
    _pack_sections[section.key] = section


def pack_section(key: str) -> PackSection | None:
    """The registered section with `key`, or None when no installed app provides it."""
    return _pack_sections.get(key)


def pack_section_choices() -> list[tuple[str, str]]:
    """(key, title) of every registered section, for the admin."""
    return sorted((s.key, s.title) for s in _pack_sections.values())


def pack_sections(committee_code: str) -> list[PackSection]:
    """The sections for a committee's pack, in order."""
    return sorted(
        (s for s in _pack_sections.values() if s.applies_to(committee_code)),
        key=lambda s: (s.order, s.key),
    )


#: The answer of a pack-date provider for a committee without a meeting schedule.
NO_PACK_DATE = object()
PackDateProvider = Callable[[object, date], object]
_pack_date: list[PackDateProvider] = []


def register_pack_date(provider: PackDateProvider) -> None:
    """Make `provider(committee, today)` say which month's pack a committee needs today: a
    month, None (none today), or NO_PACK_DATE (no schedule: the 5th business day applies)."""
    _pack_date[:] = [provider]


def pack_month_due(committee, today: date):
    """The registered provider's answer, or NO_PACK_DATE when no app schedules packs."""
    return _pack_date[0](committee, today) if _pack_date else NO_PACK_DATE


LateEntryProvider = Callable[[date], Iterable]
_late_entry_providers: dict[str, LateEntryProvider] = {}


def register_late_entries(key: str, provider: LateEntryProvider) -> None:
    """Add (or replace) a source of late entries for the packs' "Changes to months already
    reported"."""
    _late_entry_providers[key] = provider


def late_entry_providers() -> list[LateEntryProvider]:
    """Every registered source of late entries, by key."""
    return [_late_entry_providers[key] for key in sorted(_late_entry_providers)]
