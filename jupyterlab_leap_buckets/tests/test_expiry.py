"""Expiry: lifecycle rules (with prefix and suffix conditions), the configured fallback
the emulator needs, objects of known ages, folder and store aggregation, the home scan."""

from datetime import datetime, timedelta, timezone

import pytest

from jupyterlab_leap_buckets.expiry import Policy, Rule, fallback, parse_lifecycle
from jupyterlab_leap_buckets.roots import Root

from .conftest import list_all

CREATED = datetime(2026, 11, 20, 12, 0, tzinfo=timezone.utc)

# A bucket resource as GCS's JSON API returns it with fields=lifecycle.
BUCKET = {
    "lifecycle": {
        "rule": [
            {"action": {"type": "SetStorageClass", "storageClass": "COLDLINE"}, "condition": {"age": 1}},
            {"action": {"type": "Delete"}, "condition": {"age": 7}},
            {"action": {"type": "Delete"}, "condition": {"age": 2, "matchesPrefix": ["tmp/", "cache/"]}},
            {"action": {"type": "Delete"}, "condition": {"age": 1, "matchesSuffix": [".log"]}},
            {"action": {"type": "Delete"}, "condition": {"age": 0, "isLive": False}},
            {"action": {"type": "Delete"}, "condition": {"createdBefore": "2020-01-01"}},
            {
                "action": {"type": "Delete"},
                "condition": {"age": 3, "matchesPrefix": ["alice/"], "matchesSuffix": [".tmp"]},
            },
        ]
    }
}


def test_lifecycle_rules_are_read_with_their_conditions():
    rules = parse_lifecycle(BUCKET)
    assert [(r.age_days, r.prefixes, r.suffixes, r.number) for r in rules] == [
        (7, (), (), 2),
        (2, ("tmp/", "cache/"), (), 3),
        (1, (), (".log",), 4),
        (3, ("alice/",), (".tmp",), 7),
    ]
    assert parse_lifecycle({}) == [] and parse_lifecycle({"lifecycle": {}}) == []


@pytest.mark.parametrize(
    "key,days,rule_number",
    [
        ("alice/run.nc", 7, 2),
        ("tmp/x.nc", 2, 3),
        ("cache/deep/x", 2, 3),
        ("alice/run.log", 1, 4),
        ("tmp/run.log", 1, 4),  # the earliest matching rule wins
        ("alice/scratch.tmp", 3, 7),  # prefix and suffix both needed
        ("bob/scratch.tmp", 7, 2),
        ("xtmp/a", 7, 2),  # a prefix is literal
    ],
)
def test_expiry_is_creation_plus_the_first_rule_that_deletes(key, days, rule_number):
    policy = Policy("lifecycle", tuple(parse_lifecycle(BUCKET)))
    when, rule = policy.expires(key, CREATED)
    assert when == CREATED + timedelta(days=days)
    assert rule.number == rule_number
    assert f"lifecycle rule {rule_number}" in rule.describe()


def test_fallback_and_no_expiry():
    root = Root("scratch", "Scratch", "gcs", "leap-scratch", "alice/", "alice/", "alice/", 7)
    policy = fallback(root)
    assert policy.source == "configuration"
    when, rule = policy.expires("anything", CREATED)
    assert when == CREATED + timedelta(days=7) and "configuration" in rule.describe()
    keep = Root("persistent", "Persistent", "gcs", "leap-persistent", "alice/", "alice/", "alice/", None)
    assert fallback(keep).rules == () and fallback(keep).expires("x", CREATED) is None
    assert Policy("lifecycle", (Rule(5),)).expires("x", None) is None


async def test_the_emulator_has_no_lifecycle_so_the_configuration_applies(api):
    status, body = await api("list", root="scratch", path="demo/results/")
    assert status == 200
    assert body["expiry"]["source"] == "configuration"
    for entry in body["entries"]:
        created = datetime.fromisoformat(entry["created"].replace("Z", "+00:00"))
        expires = datetime.fromisoformat(entry["expires"].replace("Z", "+00:00"))
        assert expires - created == timedelta(days=7)
        assert "configuration" in entry["expiresRule"]
    status, body = await api("list", root="persistent", path="demo/")
    assert body["expiry"] is None and all(e["expires"] is None for e in body["entries"])


async def test_seeded_ages_give_the_expected_expiries(api):
    """The seed backdates objects (4 days, 6.5 days, 8 days, 2 days old)."""
    entries = {e["name"]: e for e in (await list_all(api, "scratch", "demo/results/"))[0]}
    now = datetime.now(timezone.utc)
    left = {
        name: datetime.fromisoformat(entries[name]["expires"].replace("Z", "+00:00")) - now
        for name in ("tiny.txt", "run-001.nc", "summary.csv", "run-002.nc")
    }
    assert timedelta(days=2, hours=23) < left["tiny.txt"] <= timedelta(days=3)
    assert timedelta(hours=11) < left["run-001.nc"] <= timedelta(hours=12)
    assert left["summary.csv"] < timedelta(0)  # past its date: due, not gone
    assert timedelta(days=4, hours=23) < left["run-002.nc"] <= timedelta(days=5)


async def test_a_store_shows_the_earliest_expiry_under_it(api):
    status, body = await api("expiry", root="scratch", path="demo/ocean.zarr/")
    assert status == 200, body
    # the seed made the store's metadata (6 days 20 hours old) older than its chunks (5 days)
    assert body["key"].rsplit("/", 1)[-1].startswith(".z")
    left = datetime.fromisoformat(body["expires"].replace("Z", "+00:00")) - datetime.now(timezone.utc)
    assert timedelta(hours=3) < left <= timedelta(hours=4)
    assert body["approximate"] is False and body["scanned"] > 5
    status, small = await api("expiry", root="scratch", path="demo/many/", limit="3")
    assert (small["approximate"], small["scanned"]) == (True, 3)
    status, none = await api("expiry", root="persistent", path="demo/climatology.zarr/")
    assert none["expires"] is None and none["scanned"] == 0


async def test_the_home_scan_finds_what_expires_soon(api):
    status, body = await api("expiring", root="scratch", hours="24")
    assert status == 200, body
    paths = [item["path"] for item in body["items"]]
    assert "demo/results/" in paths and "demo/ocean.zarr/" in paths
    assert "demo/README.md" not in paths  # an hour old: six days left
    assert [item["expires"] for item in body["items"]] == sorted(item["expires"] for item in body["items"])
    results = next(item for item in body["items"] if item["path"] == "demo/results/")
    assert results["objects"] == 2  # summary.csv (due) and run-001.nc (12 hours)
    status, body = await api("expiring", root="scratch", hours="nope")
    assert (status, body["error"]["code"]) == (400, "bad-request")
