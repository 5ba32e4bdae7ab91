"""jupyterlab-leap-buckets: a bucket browser for LEAP's JupyterHub (server extension)."""

try:
    from ._version import __version__
except ImportError:  # a source tree that was never built
    import warnings

    warnings.warn("Importing 'jupyterlab_leap_buckets' outside a proper installation.", stacklevel=2)
    __version__ = "dev"


def _jupyter_labextension_paths():
    return [{"src": "labextension", "dest": "jupyterlab-leap-buckets"}]


def _jupyter_server_extension_points():
    return [{"module": "jupyterlab_leap_buckets"}]


def _load_jupyter_server_extension(server_app):
    from pathlib import Path

    from jupyter_core.paths import jupyter_data_dir

    from .build import build
    from .config import LeapBuckets
    from .routes import setup_route_handlers

    config = LeapBuckets(parent=server_app)
    parts = build(
        config,
        state_dir=Path(config.state_dir or Path(jupyter_data_dir()) / "leap_buckets"),
        local_root=server_app.root_dir,
        allow_hidden=bool(getattr(server_app.contents_manager, "allow_hidden", False)),
    )
    setup_route_handlers(server_app.web_app, parts)
    who = parts.service.username or "unknown user (writes and deletes off)"
    server_app.log.info(f"leap-buckets: {len(parts.service.roots)} roots for {who}")
