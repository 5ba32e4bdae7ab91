"""One module per provider; `open_store` picks the one a root names."""

from ..roots import Root
from .base import ObjectInfo, RawPage, Store


def effective_endpoint(root: Root, config):
    """The endpoint this server talks to for a root (None: Google's own)."""
    if root.provider == "gcs":
        return root.endpoint or config.resolved_gcs_endpoint()
    return config.s3_endpoint or root.endpoint


def open_store(root: Root, config) -> Store:
    if root.provider == "gcs":
        from .gcs import GcsStore

        endpoint = effective_endpoint(root, config)
        # An emulator takes no credentials; Google gets Application Default Credentials.
        token = config.gcs_token or ("anon" if endpoint else None)
        return GcsStore(root.bucket, endpoint, token)
    from .s3 import S3Store

    return S3Store(
        root.bucket,
        effective_endpoint(root, config),
        root.anonymous,
        key=root.key or config.s3_key,
        secret=root.secret or config.s3_secret,
    )


__all__ = ["ObjectInfo", "RawPage", "Store", "effective_endpoint", "open_store"]
