"""JupyterLab for the Galata tests: Galata's settings, then the project's dev settings
(the extension pointed at the local emulators, under the hub-like base URL /user/demo/)."""

import os
import pathlib

from jupyterlab.galata import configure_jupyter_server

configure_jupyter_server(c)  # noqa: F821 - `c` is given by Jupyter

dev_config = pathlib.Path(__file__).resolve().parents[1] / "dev" / "jupyter_server_config.py"
exec(compile(dev_config.read_text(), str(dev_config), "exec"))  # noqa: S102 - our own file

# Galata drives the page without a token, as its own configuration expects.
c.IdentityProvider.token = ""  # noqa: F821
c.ServerApp.port = int(os.environ.get("LEAP_BUCKETS_LAB_PORT", "8888"))  # noqa: F821

# The delete dialog offers the hand-off to Google from 1,000 objects here (1,000,000 by
# default), so ui-tests/tests/handoff.spec.ts can try it on the seed's demo/many/ (2,600).
c.LeapBuckets.handoff_objects = 1000  # noqa: F821
