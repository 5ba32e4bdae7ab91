"""Roots: LEAP's defaults, the username's part in them, and refusing to guess it."""

import pytest

from jupyterlab_leap_buckets.config import LEAP_ROOTS
from jupyterlab_leap_buckets.roots import resolve_roots, valid_username

from .conftest import extension_config


async def test_roots_for_the_configured_user(api):
    status, body = await api("roots")
    assert status == 200
    assert body["user"] == "demo"
    roots = {root["id"]: root for root in body["roots"]}
    assert list(roots) == ["scratch", "persistent", "osn-inbox", "osn-manual", "osn-pipeline"]
    scratch = roots["scratch"]
    assert scratch == {
        "id": "scratch",
        "label": "Scratch",
        "provider": "gcs",
        "bucket": "leap-scratch",
        "url": "gs://leap-scratch/",
        "home": "demo/",
        "writable": "demo/",
        "deletable": "demo/",
        "expiryDays": 7,
        "endpoint": scratch["endpoint"],  # checked in test_items
        "anonymous": False,
    }
    assert roots["persistent"]["expiryDays"] is None
    assert roots["osn-inbox"]["provider"] == "s3"
    assert roots["osn-inbox"]["writable"] == "" and roots["osn-inbox"]["deletable"] is None
    for read_only in ("osn-manual", "osn-pipeline"):
        assert roots[read_only]["writable"] is None and roots[read_only]["deletable"] is None


class TestJupyterHubUser:
    @pytest.fixture
    def jp_server_config(self, monkeypatch):
        monkeypatch.setenv("JUPYTERHUB_USER", "funky-user")
        return extension_config(username="")

    async def test_roots_follow_jupyterhub_user(self, api):
        status, body = await api("roots")
        assert status == 200 and body["user"] == "funky-user"
        scratch = body["roots"][0]
        assert (scratch["home"], scratch["writable"], scratch["deletable"]) == (
            "funky-user/",
            "funky-user/",
            "funky-user/",
        )
        assert body["notice"] is None


class TestNoUsername:
    @pytest.fixture
    def jp_server_config(self, monkeypatch):
        monkeypatch.delenv("JUPYTERHUB_USER", raising=False)
        return extension_config(username="")

    async def test_without_username_nothing_is_writable_but_browsing_works(self, api):
        status, body = await api("roots")
        assert status == 200 and body["user"] is None
        for root in body["roots"]:
            assert root["writable"] is None and root["deletable"] is None, root
            assert root["home"] == ""
        assert "c.LeapBuckets.username" in body["notice"]
        assert "JUPYTERHUB_USER" in body["notice"]
        status, page = await api("list", root="scratch", path="demo/")
        assert status == 200 and page["entries"]


class TestOverrides:
    @pytest.fixture
    def jp_server_config(self):
        return extension_config(root_overrides={"scratch": {"bucket": "leap-persistent", "expiryDays": 3}})

    async def test_root_overrides_change_one_key(self, api):
        _, body = await api("roots")
        scratch = body["roots"][0]
        assert scratch["bucket"] == "leap-persistent" and scratch["expiryDays"] == 3
        assert scratch["url"] == "gs://leap-persistent/"


@pytest.mark.parametrize("name", ["", "a/b", "..", "a..b", "-x", "x y", "ümlaut", "a\x00"])
def test_unusable_usernames_are_refused(name):
    assert valid_username(name) is None
    roots = resolve_roots(LEAP_ROOTS, valid_username(name))
    assert all(root.writable is None and root.deletable is None for root in roots)


def test_a_bucket_root_is_never_deletable():
    spec = {"id": "b", "provider": "gcs", "bucket": "b", "writable": "", "deletable": ""}
    (root,) = resolve_roots([spec], "alice")
    assert root.writable == "" and root.deletable is None


def test_malformed_roots_are_refused():
    with pytest.raises(ValueError, match="provider"):
        resolve_roots([{"id": "x", "provider": "ftp", "bucket": "b"}], "alice")
    with pytest.raises(ValueError, match="twice"):
        resolve_roots([{"id": "x", "provider": "gcs", "bucket": "b"}] * 2, "alice")
