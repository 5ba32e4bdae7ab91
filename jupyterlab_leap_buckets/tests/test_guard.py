"""The guard as a table of (root, path, action) -> allowed or the error code, and as
properties over random roots, usernames and paths: nothing is ever written, replaced or
deleted outside the user's prefix, and the prefix itself is never deletable."""

import json
import os
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from jupyterlab_leap_buckets import guard
from jupyterlab_leap_buckets.config import LEAP_ROOTS
from jupyterlab_leap_buckets.errors import ApiError
from jupyterlab_leap_buckets.roots import resolve_roots

ROOTS = {root.id: root for root in resolve_roots(LEAP_ROOTS, "alice")}
TRIED = {"table rows": 0, "random checks": 0, "random checks allowed": 0, "random local paths": 0}


@pytest.fixture(scope="module", autouse=True)
def record_what_was_tried():
    """Leave the counts for docs/reliability.md (scripts/reliability.py)."""
    yield
    out = Path(__file__).resolve().parents[2] / ".stack" / "reliability"
    out.mkdir(parents=True, exist_ok=True)
    (out / "guard.json").write_text(json.dumps(TRIED))


W, OV, D = guard.WRITE, guard.OVERWRITE, guard.DELETE
OK = "ok"

TABLE = [
    # root, path, action, expected
    ("scratch", "alice/run1/a.nc", W, OK),
    ("scratch", "alice/run1/a.nc", OV, OK),
    ("scratch", "alice/run1/a.nc", D, OK),
    ("scratch", "alice/store.zarr/", D, OK),
    ("scratch", "alice/", D, "outside-home"),  # the home itself
    ("scratch", "alice/", W, "outside-home"),
    ("scratch", "alice", D, "outside-home"),
    ("scratch", "alice-old/x", W, "outside-home"),  # a look-alike prefix
    ("scratch", "alice-old/x", D, "outside-home"),
    ("scratch", "demo (1)/x", W, "outside-home"),  # "keep both" at the top of the bucket
    ("scratch", "bob/x", OV, "outside-home"),
    ("scratch", "bob/x", D, "outside-home"),
    ("scratch", "alice/../bob/x", W, "outside-home"),
    ("scratch", "alice/./x", W, "bad-request"),
    ("scratch", "alice//x", W, "bad-request"),
    ("scratch", "/alice/x", W, "outside-home"),
    ("scratch", "alice/x\n", W, "bad-request"),
    ("scratch", "alice/\ud800", W, "bad-request"),
    ("scratch", "", W, "bad-request"),
    ("scratch", None, D, "bad-request"),
    ("scratch", 7, W, "bad-request"),
    ("persistent", "alice/a", OV, OK),
    ("osn-inbox", "anything/at/all", W, OK),  # the inbox takes new objects anywhere
    ("osn-inbox", "someone/else.bin", OV, "outside-home"),  # but replaces nothing
    ("osn-inbox", "someone/else.bin", D, "read-only"),
    ("osn-manual", "x", W, "read-only"),
    ("osn-manual", "x", D, "read-only"),
]


@pytest.mark.parametrize("root, path, action, expected", TABLE)
def test_guard_table(root, path, action, expected):
    TRIED["table rows"] += 1
    if expected == OK:
        assert guard.check(action, ROOTS[root], path) == path
    else:
        with pytest.raises(ApiError) as err:
            guard.check(action, ROOTS[root], path)
        assert err.value.code == expected, err.value.message


NAMED_DELETES = [  # paths a user names for a delete are held to more
    ("alice/a%2e%2e/x", "bad-request"),
    ("alice/*", "bad-request"),
    ("alice/\uff0e\uff0e/x", "bad-request"),  # fullwidth dots
    ("alice/\u200bx", "bad-request"),  # zero-width space
    ("alice/ x", "bad-request"),
    ("alice/a\\b", "bad-request"),
    ("alice/data[1].nc", "bad-request"),
    ("alice/run1/", OK),
]


@pytest.mark.parametrize("path, expected", NAMED_DELETES)
def test_named_delete_paths(path, expected):
    if expected == OK:
        assert guard.check(D, ROOTS["scratch"], path, named=True) == path
    else:
        with pytest.raises(ApiError) as err:
            guard.check(D, ROOTS["scratch"], path, named=True)
        assert err.value.code == expected


def test_a_prefix_template_without_its_slash_never_widens():
    root = resolve_roots(
        [
            {
                "id": "s",
                "provider": "gcs",
                "bucket": "b",
                "writable": "{username}",
                "deletable": "{username}",
                "home": "{username}",
            }
        ],
        "demo",
    )[0]
    assert (root.writable, root.deletable, root.home) == ("demo/", "demo/", "demo/")
    with pytest.raises(ApiError):
        guard.check(D, root, "demo-old/x")


# -- properties -------------------------------------------------------------------------

SEGMENT = st.one_of(
    st.sampled_from(
        [
            "alice",
            "alice-old",
            "Alice",
            "alice.",
            "..",
            ".",
            "",
            " alice",
            "al ice",
            "%2e%2e",
            "%2F",
            "\uff0e",
            "a\\b",
            "ALICE",
            "alice\u200b",
            "alic\u0435",
        ]
    ),
    st.text(min_size=0, max_size=12),
)
PATHS = st.lists(SEGMENT, min_size=1, max_size=6).map("/".join) | st.text(max_size=40)
USERNAMES = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._-]{0,12}", fullmatch=True).filter(lambda n: ".." not in n)


def _root(template_w, template_d, user):
    return resolve_roots(
        [{"id": "r", "provider": "gcs", "bucket": "b", "home": "", "writable": template_w, "deletable": template_d}],
        user,
    )[0]


def _outcome(action, root, path, named=False):
    TRIED["random checks"] += 1
    try:
        guard.check(action, root, path, named=named)
        TRIED["random checks allowed"] += 1
        return True
    except ApiError:
        return False


@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    user=USERNAMES,
    path=PATHS,
    action=st.sampled_from([W, OV, D]),
    named=st.booleans(),
    template=st.sampled_from(["{username}/", "{username}", "home/{username}/", "{username}/sub/"]),
    start=st.sampled_from(["", "prefix", "prefix-without-slash", "user"]),
)
@example(user="alice", path="", action=D, named=False, template="{username}/", start="prefix")
@example(user="alice", path="-old/x", action=W, named=False, template="{username}", start="prefix-without-slash")
def test_nothing_is_allowed_outside_the_prefix(user, path, action, named, template, start):
    root = _root(template, template, user)
    prefix = root.writable
    # Most paths are built to begin like the prefix, so that allowed ones are tried too.
    path = {"": "", "prefix": prefix, "prefix-without-slash": prefix[:-1], "user": user}[start] + path
    if _outcome(action, root, path, named):
        # Allowed: the key lies literally and strictly inside the prefix, with no segment
        # that another tool would read as another path.
        assert path.startswith(prefix) and len(path) > len(prefix)
        segments = path.rstrip("/").split("/")
        assert not any(seg in ("", ".", "..") for seg in segments)
        assert not path.startswith("/") and "\x00" not in path
        normalised = os.path.normpath(path)
        assert normalised.startswith(prefix.rstrip("/")), normalised
    if path.rstrip("/") == prefix.rstrip("/"):
        assert not _outcome(D, root, path, named)  # the prefix itself: never


@settings(max_examples=1500, deadline=None)
@given(user=USERNAMES, path=PATHS)
def test_named_deletes_refuse_look_alikes(user, path):
    root = _root("{username}/", "{username}/", user)
    if _outcome(D, root, path, named=True):
        assert unicodedata.normalize("NFKC", path) == path
        assert "%" not in path or not any(path[i + 1 : i + 3].isalnum() for i, c in enumerate(path) if c == "%")
        assert not set("*?[]{}\\") & set(path)


@settings(max_examples=1500, deadline=None)
@given(user=USERNAMES, path=PATHS)
def test_read_only_and_no_delete_roots_allow_nothing(user, path):
    read_only = _root(None, None, user)
    assert not any(_outcome(a, read_only, path) for a in (W, OV, D))
    inbox = _root("", None, user)
    assert not _outcome(D, inbox, path) and not _outcome(OV, inbox, path)


@settings(max_examples=1000, deadline=None)
@given(path=PATHS)
def test_local_paths_are_refused_or_kept_as_given(path):
    """A disk path is never rewritten: accepted as it is, or refused."""
    TRIED["random local paths"] += 1
    try:
        assert guard.local_path(path) == path
    except ApiError as err:
        assert err.code in ("bad-request", "outside-home")
        return
    if path:
        assert not any(seg in ("", ".", "..") for seg in path.rstrip("/").split("/"))
