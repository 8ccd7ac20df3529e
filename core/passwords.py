"""How passwords are stored: Argon2id with the parameters OWASP's Password Storage Cheat Sheet
recommends first (19 MiB of memory, 2 passes, 1 lane).

Django's default, PBKDF2-SHA256 at 1,000,000 rounds, spends a second of CPU on each login on
this project's two-core server; with a committee's users logging in together (`make soak`: 50
in five seconds) the logins held every worker for most of a minute and every other page
waited behind them (p95 32 s). Argon2id is memory-hard, so it resists GPU cracking with far
less CPU: a login costs about 0.09 s. Hashes already stored (PBKDF2) still verify and are
re-hashed with Argon2id at the user's next login (Django's `must_update`).
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2idHasher(Argon2PasswordHasher):
    """Argon2id at OWASP's first recommendation (m=19 MiB, t=2, p=1)."""

    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
