"""Who leads an activity, without core knowing where the RACI lives.

The app that holds the RACI matrix registers a resolver from its AppConfig.ready(); apps that
send reminders or escalations ask `activity_lead_emails(activity_key)`. With no resolver
registered the answer is empty, and callers fall back to the record's owner.
"""

from collections.abc import Callable

_resolvers: list[Callable[[str], list[str]]] = []


def register_activity_lead_resolver(resolver: Callable[[str], list[str]]) -> None:
    """Add a function that maps an activity key to the e-mail addresses of its lead."""
    if resolver not in _resolvers:
        _resolvers.append(resolver)


def activity_lead_emails(activity_key: str) -> list[str]:
    """E-mail addresses of whoever leads `activity_key`, from every registered resolver."""
    emails: list[str] = []
    for resolver in _resolvers:
        for email in resolver(activity_key):
            if email and email not in emails:
                emails.append(email)
    return emails
