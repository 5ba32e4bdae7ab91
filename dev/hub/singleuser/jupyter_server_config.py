"""The single-user servers' settings under `scripts/hub` (found through
JUPYTER_CONFIG_PATH, which dev/hub/jupyterhub_config.py sets): the extension pointed at
the local emulators. The username is JUPYTERHUB_USER, as on LEAP's hub; the workspace is
the user's home (.stack/hub/home/<user>), where SimpleLocalProcessSpawner starts them."""

import os

gcs_port = int(os.environ.get("LEAP_BUCKETS_GCS_PORT", "4443"))
s3_port = int(os.environ.get("LEAP_BUCKETS_S3_PORT", "5555"))

c = get_config()  # noqa: F821 - provided by Jupyter when it loads this file

c.LeapBuckets.gcs_endpoint = f"http://127.0.0.1:{gcs_port}"  # anonymous, as the emulator wants
c.LeapBuckets.s3_endpoint = f"http://127.0.0.1:{s3_port}"  # replaces OSN's endpoint
c.LeapBuckets.s3_key = "testing"
c.LeapBuckets.s3_secret = "testing"
# For the users' kernels, which inherit this environment, as in dev/jupyter_server_config.py:
# the "Copy Python" snippets then run against the emulators (gcsfs's default class would
# first ask each bucket its type over gRPC, which fake-gcs-server does not speak).
os.environ.setdefault("GCSFS_EXPERIMENTAL_ZB_HNS_SUPPORT", "false")
os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")

c.ServerApp.allow_root = True  # CI and these machines run as root
c.LabApp.news_url = None  # no requests to the outside world
c.LabApp.check_for_updates_class = "jupyterlab.NeverCheckForUpdate"
# window.jupyterapp, which the browser tests (ui-tests/hub/) drive, as Galata's own
# configuration does.
c.LabApp.expose_app_in_browser = True
