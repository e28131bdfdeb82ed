"""Latency of the client list (page 1, default sort, and with a search term) on a seeded
database, with FAB's count (the baseline) and with qms-crm's count, in the same run.

    python bench/list_latency.py --database-url sqlite:////tmp/bench.db --requests 30

Requests go through the full Flask stack in-process (routing, login session, permission
checks, query, template), so network time is excluded. Prints p50/p95 in ms and ratios.
"""

import argparse
import json
import os
import time
from pathlib import Path

SCENARIOS = {
    "screen page 1": "/clientview/list/",
    "screen search": "/clientview/list/?_flt_0_name=Bluewater",
    "api page 1": "/api/v1/client/",
    "api search": "/api/v1/client/?q=(filters:!((col:name,opr:sw,value:Bluewater)))",
}


def percentile(samples, fraction):
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def measure(client, path, requests):
    for _ in range(3):  # warm caches and the connection pool
        assert client.get(path).status_code == 200, path
    samples = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(path)
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    return percentile(samples, 0.5), percentile(samples, 0.95)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument(
        "--users",
        default="director,manager1a",
        help="an unrestricted user and a row-scoped manager of the demo data",
    )
    arguments = parser.parse_args()
    os.environ.setdefault("QMS_INSTANCE_DIR", str(Path("/tmp/qms-bench-instance")))

    from app import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": arguments.database_url, "WTF_CSRF_ENABLED": False})
    results = []
    for username in arguments.users.split(","):
        client = app.test_client()
        response = client.post(
            "/login/", data={"username": username, "password": "bench-password-1"}
        )
        assert response.status_code == 302, f"cannot log in as {username}"
        token = client.post(
            "/api/v1/security/login",
            json={"username": username, "password": "bench-password-1", "provider": "db"},
        ).json["access_token"]
        for name, path in SCENARIOS.items():
            row = {"user": username, "scenario": name}
            for label, fast in (("fab_count", False), ("qms_count", True)):
                app.config["FAST_LIST_COUNT"] = fast
                browser = client if name.startswith("screen") else app.test_client()
                if not name.startswith("screen"):
                    browser.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
                row[label] = measure(browser, path, arguments.requests)
            row["p95_ratio"] = round(row["fab_count"][1] / row["qms_count"][1], 2)
            results.append(row)
            print(
                f"{username:10} {name:14} FAB count p50/p95 {row['fab_count'][0]:7.1f} /"
                f" {row['fab_count'][1]:7.1f} ms   qms count {row['qms_count'][0]:7.1f} /"
                f" {row['qms_count'][1]:7.1f} ms   ×{row['p95_ratio']}",
                flush=True,
            )
    print(json.dumps({"database": arguments.database_url.split(":")[0], "results": results}))


if __name__ == "__main__":
    main()
