"""JupyterLab for the demo and the browser tests: the extension pointed at the local
emulators that `scripts/stack up` starts, under a hub-like base URL.

    jupyter lab --config dev/jupyter_server_config.py
"""

import os
import pathlib

repo = pathlib.Path(__file__).resolve().parents[1]
gcs_port = int(os.environ.get("LEAP_BUCKETS_GCS_PORT", "4443"))
s3_port = int(os.environ.get("LEAP_BUCKETS_S3_PORT", "5555"))
workspace = pathlib.Path(os.environ.get("LEAP_BUCKETS_WORKSPACE", repo / ".stack" / "workspace"))
workspace.mkdir(parents=True, exist_ok=True)
(workspace / "notebooks").mkdir(exist_ok=True)
readme = workspace / "README.md"
if not readme.exists():
    readme.write_text("# Workspace\n\nThe Jupyter server's own disk, as on the hub pod.\n")

c = get_config()  # noqa: F821 - provided by Jupyter when it loads this file

c.LeapBuckets.username = os.environ.get("JUPYTERHUB_USER", "demo")
c.LeapBuckets.gcs_endpoint = f"http://127.0.0.1:{gcs_port}"  # anonymous, as the emulator wants
c.LeapBuckets.s3_endpoint = f"http://127.0.0.1:{s3_port}"  # replaces OSN's endpoint
c.LeapBuckets.s3_key = "testing"
c.LeapBuckets.s3_secret = "testing"
# For the notebooks' kernels, which inherit this environment, so that the panel's "Copy
# Python" snippets run against the emulator: gcsfs's default class first asks each bucket
# its type over gRPC, which fake-gcs-server does not speak (60 s of retries per call).
os.environ.setdefault("GCSFS_EXPERIMENTAL_ZB_HNS_SUPPORT", "false")
# As a LEAP user with OSN keys sets them (README), so that the OSN inbox's snippets run.
os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")

c.ServerApp.base_url = "/user/demo/"  # as on JupyterHub
c.ServerApp.ip = "127.0.0.1"
c.ServerApp.port = int(os.environ.get("LEAP_BUCKETS_LAB_PORT", "8888"))
c.ServerApp.port_retries = 0
c.ServerApp.open_browser = False
c.ServerApp.allow_root = True  # CI and these machines run as root
c.ServerApp.root_dir = str(workspace)
c.IdentityProvider.token = os.environ.get("LEAP_BUCKETS_TOKEN", "leap-demo-token")
c.LabApp.news_url = None  # no requests to the outside world
c.LabApp.check_for_updates_class = "jupyterlab.NeverCheckForUpdate"
