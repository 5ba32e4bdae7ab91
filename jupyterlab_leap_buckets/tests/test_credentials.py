"""Missing credentials give `no-credentials` with what to do; anonymous roots still work."""

import pytest

from .conftest import extension_config


class TestNoS3Keys:
    @pytest.fixture
    def jp_server_config(self, monkeypatch, tmp_path):
        for var in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
            monkeypatch.delenv(var, raising=False)
        monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "absent"))
        monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "absent"))
        monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")  # never ask a metadata server
        return extension_config(s3_key=None, s3_secret=None)

    async def test_keyed_root_without_keys_says_what_to_do(self, api):
        status, body = await api("list", root="osn-inbox", path="")
        assert status == 403, body
        assert body["error"]["code"] == "no-credentials"
        assert "AWS_ACCESS_KEY_ID" in body["error"]["message"]

    async def test_anonymous_roots_need_no_keys(self, api):
        status, body = await api("list", root="osn-manual", path="")
        assert status == 200 and body["entries"]


class TestStorageEmulatorHost:
    @pytest.fixture
    def jp_server_config(self, monkeypatch):
        from .conftest import GCS_PORT

        monkeypatch.setenv("STORAGE_EMULATOR_HOST", f"127.0.0.1:{GCS_PORT}")
        return extension_config(gcs_endpoint=None)

    async def test_gcs_endpoint_follows_storage_emulator_host(self, api):
        status, body = await api("list", root="scratch", path="demo/")
        assert status == 200 and any(e["name"] == "README.md" for e in body["entries"])
