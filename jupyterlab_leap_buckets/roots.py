"""Who may do what where: the configured roots resolved for the current user."""

import re
from dataclasses import dataclass
from typing import Optional

from .errors import ApiError

# GitHub handles (LEAP's usernames) and JupyterHub's escaped names fit this; anything
# else (a slash, "..", spaces) could widen a prefix, so it is not used as a username.
_USERNAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")

NO_USERNAME = (
    "Writing and deleting are off because your username is unknown: set "
    "c.LeapBuckets.username in jupyter_server_config.py, or run on JupyterHub, "
    "which sets JUPYTERHUB_USER."
)


@dataclass(frozen=True)
class Root:
    id: str
    label: str
    provider: str
    bucket: str
    home: str
    writable: Optional[str]
    deletable: Optional[str]
    expiry_days: Optional[int]
    endpoint: Optional[str] = None
    anonymous: bool = False
    key: Optional[str] = None
    secret: Optional[str] = None

    @property
    def url(self) -> str:
        scheme = "gs" if self.provider == "gcs" else "s3"
        return f"{scheme}://{self.bucket}/"

    def to_api(self) -> dict:
        return {
            "id": self.id,
            "label": self.label,
            "provider": self.provider,
            "bucket": self.bucket,
            "url": self.url,
            "home": self.home,
            "writable": self.writable,
            "deletable": self.deletable,
            "expiryDays": self.expiry_days,
        }


def valid_username(name: str) -> Optional[str]:
    """The name if it is safe to use as a prefix segment, else None."""
    return name if name and _USERNAME.fullmatch(name) and ".." not in name else None


def _prefix(template, username: Optional[str]) -> Optional[str]:
    """A prefix template resolved for a user; None when it needs a username we lack."""
    if template is None:
        return None
    if "{username}" in template:
        if not username:
            return None
        template = template.replace("{username}", username)
    # A prefix is a folder: "demo" would admit "demo-old/", so it always ends in "/".
    return template if template in ("", None) or template.endswith("/") else template + "/"


def resolve_roots(specs: list, username: Optional[str]) -> list:
    """Turn configured root dicts into Roots for this user, refusing malformed ones."""
    roots, seen = [], set()
    for spec in specs:
        for required in ("id", "provider", "bucket"):
            if not spec.get(required):
                raise ValueError(f"LeapBuckets root {spec!r} lacks {required!r}")
        if spec["provider"] not in ("gcs", "s3"):
            raise ValueError(f"LeapBuckets root {spec['id']!r}: provider must be gcs or s3")
        if spec["id"] in seen:
            raise ValueError(f"LeapBuckets root id {spec['id']!r} appears twice")
        seen.add(spec["id"])
        home = _prefix(spec.get("home", ""), username)
        # Without a username nothing may be written or deleted anywhere: never guess.
        writable = _prefix(spec.get("writable"), username) if username else None
        deletable = _prefix(spec.get("deletable"), username) if username else None
        # Deleting a whole bucket from the panel is never allowed: an empty prefix is off.
        roots.append(
            Root(
                id=spec["id"],
                label=spec.get("label") or spec["id"],
                provider=spec["provider"],
                bucket=spec["bucket"],
                home=home if home is not None else "",
                writable=writable,
                deletable=deletable or None,
                expiry_days=spec.get("expiryDays"),
                endpoint=spec.get("endpoint"),
                anonymous=bool(spec.get("anonymous", False)),
                key=spec.get("key"),
                secret=spec.get("secret"),
            )
        )
    return roots


def find_root(roots: list, root_id) -> Root:
    for root in roots:
        if root.id == root_id:
            return root
    known = ", ".join(r.id for r in roots)
    raise ApiError(404, "not-found", f"There is no root {root_id!r}; the roots are: {known}.")
