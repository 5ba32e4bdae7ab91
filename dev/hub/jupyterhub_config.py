"""A real JupyterHub for trying the extension as LEAP's users get it, on loopback:

    scripts/hub up      # builds the wheel, the single-user venv, starts the hub

Two users, `alice` and `bob`, log in with one shared password (JupyterHub 6's
SharedPasswordAuthenticator: DummyAuthenticator's password is deprecated since 5.3).
Each gets a single-user JupyterLab started by SimpleLocalProcessSpawner from
.stack/hub/venv, where the extension is installed from the built wheel, with a home
folder of its own (.stack/hub/home/<user>). The single-user servers read
dev/hub/singleuser/jupyter_server_config.py (emulator endpoints only): the username is
the hub's JUPYTERHUB_USER, nothing is configured per user.

scripts/hub sets the LEAP_BUCKETS_* variables this file reads.
"""

import os
import pathlib

repo = pathlib.Path(__file__).resolve().parents[2]
state = pathlib.Path(os.environ.get("LEAP_BUCKETS_HUB_STATE", repo / ".stack" / "hub"))
venv = state / "venv"
hub_port = int(os.environ.get("LEAP_BUCKETS_HUB_PORT", "8000"))
gcs_port = os.environ.get("LEAP_BUCKETS_GCS_PORT", "4443")
s3_port = os.environ.get("LEAP_BUCKETS_S3_PORT", "5555")

c = get_config()  # noqa: F821 - provided by JupyterHub when it loads this file

# The public port (the proxy), the proxy's API on the next port, the hub's own API
# 81 ports above the public one (8081 for 8000, JupyterHub's defaults): all loopback.
c.JupyterHub.bind_url = f"http://127.0.0.1:{hub_port}"
c.JupyterHub.hub_bind_url = f"http://127.0.0.1:{hub_port + 81}"
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{hub_port + 1}"
c.ConfigurableHTTPProxy.command = [str(repo / "node_modules" / ".bin" / "configurable-http-proxy")]
c.ConfigurableHTTPProxy.pid_file = str(state / "proxy.pid")
c.ConfigurableHTTPProxy.debug = False

c.JupyterHub.db_url = f"sqlite:///{state / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(state / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(state / "jupyterhub.pid")
c.JupyterHub.cleanup_servers = True  # `scripts/hub down` stops the users' servers too

c.JupyterHub.authenticator_class = "shared-password"
c.SharedPasswordAuthenticator.user_password = os.environ.get("LEAP_BUCKETS_HUB_PASSWORD", "leap-buckets")
c.Authenticator.allowed_users = {"alice", "bob"}

# The tests' own service: it starts servers and hands out user tokens through the hub's
# REST API (as an admin's script would), never logging in as anyone.
service_token = os.environ.get("LEAP_BUCKETS_HUB_SERVICE_TOKEN")
if service_token:
    c.JupyterHub.services = [{"name": "hub-tests", "api_token": service_token}]
    c.JupyterHub.load_roles = [
        {
            "name": "hub-tests",
            "services": ["hub-tests"],
            "scopes": ["admin:users", "admin:servers", "tokens", "access:servers"],
        }
    ]

c.JupyterHub.spawner_class = "simple"  # jupyterhub.spawner.SimpleLocalProcessSpawner
c.SimpleLocalProcessSpawner.home_dir_template = str(state / "home" / "{username}")
c.Spawner.cmd = [str(venv / "bin" / "jupyterhub-singleuser")]
c.Spawner.default_url = "/lab"
c.Spawner.ip = "127.0.0.1"
c.Spawner.start_timeout = 120  # two busy cores: JupyterLab may take a while to start
c.Spawner.http_timeout = 120
c.Spawner.environment = {
    # Only the venv: the single-user server never sees .venv's editable install.
    "PATH": f"{venv / 'bin'}:/usr/local/bin:/usr/bin:/bin",
    "JUPYTER_CONFIG_PATH": str(repo / "dev" / "hub" / "singleuser"),
    "LEAP_BUCKETS_GCS_PORT": gcs_port,
    "LEAP_BUCKETS_S3_PORT": s3_port,
}
