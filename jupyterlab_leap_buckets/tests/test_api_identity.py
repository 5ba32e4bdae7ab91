"""POST delete hands the requesting Jupyter identity to the delete (for its audit line),
not only the server's configured username."""

import uuid

import pytest
from jupyter_server.auth.identity import IdentityProvider, User

from ..deletes import Deletes
from .conftest import extension_config, gcs_independent_keys, gcs_put


class NamedRequester(IdentityProvider):
    """Token requests come from "requester-7" (jupyter_server makes up a new name for
    each one by default), who is not the server's configured user, "demo"."""

    def generate_anonymous_user(self, handler):
        return User(username="requester-7", name="Requester Seven")


@pytest.fixture
def jp_server_config(tmp_path):
    config = extension_config(state_dir=str(tmp_path / "leap-state"))
    config["ServerApp"]["identity_provider_class"] = f"{__name__}.NamedRequester"
    return config


async def test_delete_is_started_with_the_requesters_identity(emulators, send, finish, monkeypatch):
    asked = []
    start = Deletes.start

    def spy(self, body, **kwargs):
        asked.append(kwargs.get("identity"))
        return start(self, body, **kwargs)

    monkeypatch.setattr(Deletes, "start", spy)
    key = f"demo/identity-{uuid.uuid4().hex[:8]}/gone.txt"
    gcs_put("leap-scratch", key, b"x")
    status, plan = await send("delete/plan", {"root": "scratch", "path": key})
    assert status == 200, plan
    status, job = await send("delete", {"plan": plan["plan"], "confirm": "gone.txt"})
    assert status == 202, job
    assert (await finish(job))["state"] == "done"
    assert asked == ["requester-7"]
    assert gcs_independent_keys("leap-scratch", key) == []
