"""Open data: public to everyone (the records themselves follow the anonymous visibility rules)."""

from tests.permissions.cases import Case

CASES = [
    Case("GET", "/open-data", "/open-data", default=200),
    Case("GET", "/open-data/<name>.csv", "/open-data/pilots.csv", default=200),
    Case("GET", "/open-data/<name>.json", "/open-data/challenges.json", default=200),
    Case("GET", "/api/v1/open-data", "/api/v1/open-data", default=200),
    Case("GET", "/api/v1/open-data/<name>", "/api/v1/open-data/contest_results", default=200),
]
