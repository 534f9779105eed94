"""The mixed load of ``tests/perf/test_load.py``: people signed in with their own session, PMs on
the board and the triage queue, reps on the board, their feedback and the feedback form.

The portal runs with its production settings behind a TLS proxy (``X-Forwarded-Proto: https``),
so its cookies are ``Secure``; the load generator speaks plain HTTP on loopback and sends them back
all the same. ``LOAD_PEOPLE`` (JSON) names who signs in: username, password, role and, for reps, the
accounts they manage.
"""

import itertools
import json
import os
import random

from locust import HttpUser, constant, task

from tests.perf.loopback import keep_cookies

PEOPLE = json.loads(os.environ.get("LOAD_PEOPLE", "[]"))
_people = itertools.cycle(PEOPLE)


class PortalUser(HttpUser):
    wait_time = constant(0)

    def on_start(self) -> None:
        self.person = next(_people)
        self.client.headers["X-Forwarded-Proto"] = "https"
        self.client.headers["Origin"] = self.host.replace("http://", "https://", 1)
        self.cookies = keep_cookies(self.client)
        self.client.get("/login/", name="sign in")
        response = self.client.post(
            "/login/",
            data={
                "username": self.person["username"],
                "password": self.person["password"],
                "csrfmiddlewaretoken": self.cookies.get("csrftoken", ""),
            },
            allow_redirects=False,
            name="sign in",
        )
        if response.status_code != 302:
            raise RuntimeError(f"sign-in failed for {self.person['username']}")

    @task(3)
    def board(self) -> None:
        self.client.get("/roadmap/", name="board")

    @task(2)
    def feedback_list(self) -> None:
        if self.person["role"] == "pm":
            self.client.get("/feedback/triage/", name="feedback list")
        else:
            self.client.get("/feedback/mine/", name="feedback list")

    @task(1)
    def submit(self) -> None:
        if self.person["role"] != "rep":
            self.board()
            return
        self.client.get("/feedback/new/", name="feedback form")
        with self.client.post(
            "/feedback/new/",
            data={
                "csrfmiddlewaretoken": self.cookies.get("csrftoken", ""),
                "account": random.choice(self.person["accounts"]),
                "title": f"Load test request {random.randrange(10**9)}",
                "description": "Needs a bulk export of the audit log for the quarterly review.",
                "category": "feature_request",
                "impact": "medium",
                "source": "call",
                "product_area": "analytics",
                "customer_quote": "",
            },
            allow_redirects=False,
            name="feedback submit",
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"submission answered {response.status_code}")
