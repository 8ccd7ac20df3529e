"""Committee day: Customer Ops users browse the KVIs and registers and log issues.

Run by `make soak` (tests/soak/__main__.py), which sets SOAK_PASSWORD, SOAK_OWNER_ID and
SOAK_TITLES (a file that receives the title of every issue the server said it saved).
"""

import itertools
import os
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from locust import HttpUser, between, task

PASSWORD = os.environ["SOAK_PASSWORD"]
OWNER_ID = os.environ["SOAK_OWNER_ID"]
TITLES = os.environ["SOAK_TITLES"]
USERS = int(os.environ.get("SOAK_USERS", "50"))
_numbers = itertools.count()


class OpsUser(HttpUser):
    wait_time = between(0.5, 2)

    def on_start(self):
        self.username = f"soak-{next(_numbers) % USERS:02d}"
        self.client.get("/accounts/login/", name="login page")
        with self.client.post(
            "/accounts/login/",
            {"username": self.username, "password": PASSWORD, "csrfmiddlewaretoken": self._csrf()},
            allow_redirects=False,
            name="login",
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"login answered {response.status_code}")

    def _csrf(self) -> str:
        return self.client.cookies.get("csrftoken", "")

    @task(3)
    def dashboard(self):
        self.client.get("/kvis/", name="KVI dashboard")

    @task(2)
    def issue_register(self):
        self.client.get("/issues/list/?status=open", name="issue list (filtered)")

    @task(2)
    def kvi_detail(self):
        self.client.get("/kvis/KVI-07/", name="KVI detail")

    @task(1)
    def breaches(self):
        self.client.get("/issues/breaches/", name="breach list")

    @task(1)
    def overview(self):
        self.client.get("/issues/", name="issues overview")

    @task(2)
    def log_issue(self):
        self.client.get("/issues/new/", name="new issue form")
        title = f"soak {self.username} {uuid.uuid4()}"
        identified = datetime.now(tz=ZoneInfo("Europe/London")) - timedelta(hours=1)
        with self.client.post(
            "/issues/new/",
            {
                "csrfmiddlewaretoken": self._csrf(),
                "title": title,
                "description": "Logged by the soak test.",
                "category": "data",
                "identified_by": "provider",
                "identified_at": identified.strftime("%Y-%m-%dT%H:%M"),
                "mprns_affected": "1",
                "impact": "2",
                "financial": "1",
                "owner": OWNER_ID,
            },
            allow_redirects=False,
            name="log an issue",
            catch_response=True,
        ) as response:
            if response.status_code == 302:
                with open(TITLES, "a") as f:
                    f.write(title + "\n")
            else:
                response.failure(f"logging an issue answered {response.status_code}")
