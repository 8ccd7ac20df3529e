"""Demo data shared by every app: constituencies, organisations, committees, one user per role.

Idempotent: every record is looked up by its natural key before it is created.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from core.models import Committee, Constituency, Organisation
from core.roles import ADMIN, COMMITTEE_MEMBER, CUSTOMER_OPS, PAFA

DEMO_PASSWORD = "kvi-demo-2020"

#: username, full name, role, email
DEMO_USERS = [
    ("committee", "Chris Committee", COMMITTEE_MEMBER, "committee@example.org"),
    ("ops", "Olivia Ops", CUSTOMER_OPS, "ops@example.org"),
    ("pafa", "Priya PAFA", PAFA, "pafa@example.org"),
    ("admin", "Alex Admin", ADMIN, "admin@example.org"),
    ("party", "Pat Party", None, "pat@northern-supply.example"),
]

CONSTITUENCIES = ["Shippers", "Distribution Networks", "National Grid Transmission", "IGTs"]

#: name, short name, constituency, is_party
ORGANISATIONS = [
    ("Northern Gas Supply Ltd", "NGS", "Shippers", True),
    ("Southern Energy Shipping plc", "SES", "Shippers", True),
    ("Eastern Distribution Network", "EDN", "Distribution Networks", False),
    ("Western Distribution Network", "WDN", "Distribution Networks", False),
    ("National Grid Gas Transmission", "NGGT", "National Grid Transmission", False),
    ("Independent Pipes Ltd", "IPL", "IGTs", True),
]

COMMITTEES = [
    ("CoMC", "Contract Management Committee"),
    ("PAC", "Performance Assurance Committee"),
    ("RSSC", "Regulatory and Support Services Committee"),
]


@transaction.atomic
def load(stdout=None) -> None:
    """Create the shared demo records and the demo users."""
    for name in CONSTITUENCIES:
        Constituency.objects.get_or_create(name=name)
    for name, short, constituency, is_party in ORGANISATIONS:
        Organisation.objects.get_or_create(
            name=name,
            defaults={
                "short_name": short,
                "constituency": Constituency.objects.get(name=constituency),
                "is_party": is_party,
                "contract_manager": f"{short} contract manager",
                "contract_manager_email": f"contracts@{short.lower()}.example",
            },
        )
    committees = {}
    for code, name in COMMITTEES:
        committees[code], _ = Committee.objects.get_or_create(code=code, defaults={"name": name})

    User = get_user_model()
    for username, full_name, role, email in DEMO_USERS:
        first, last = full_name.split(" ", 1)
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"first_name": first, "last_name": last, "email": email},
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.is_staff = role == ADMIN
            user.is_superuser = role == ADMIN
            user.save()
        if role:
            user.groups.add(Group.objects.get(name=role))
    for code, username in [
        ("CoMC", "committee"),
        ("PAC", "committee"),
        ("CoMC", "ops"),
        ("PAC", "pafa"),
        ("RSSC", "committee"),
    ]:
        _add_once(committees[code].members, User.objects.get(username=username))
    _add_once(Organisation.objects.get(short_name="NGS").users, User.objects.get(username="party"))


def _add_once(manager, obj) -> None:
    # A repeated add() would write an m2m history row even though nothing changed.
    if not manager.filter(pk=obj.pk).exists():
        manager.add(obj)
