""" "Copy Upload Command for HPC" really uploads: the text the compiled frontend builds
(lib/hpcUpload.js, through hpc_upload_text.mjs) for the OSN inbox as GET roots describes
it, run by bash with rclone against each S3 emulator, moves a local folder into the inbox.

What differs from a login node, and only that: the server's roots name the emulator as the
inbox's endpoint (as dev/jupyter_server_config.py does), the local folder placeholder is
replaced by a temporary folder, and $OSN_KEY / $OSN_SECRET hold the emulator's keys. Every
object is then read back with boto3, a client independent of rclone and of our server."""

import json
import os
import shutil
import subprocess
import uuid

import pytest

from .conftest import REPO, s3_client, s3_now

TEXT = REPO / "jupyterlab_leap_buckets" / "tests" / "hpc_upload_text.mjs"
COMPILED = REPO / "lib" / "hpcUpload.js"
FILES = {
    "a.nc": b"\x89HDF\r\n\x1a\n" + bytes(range(256)) * 40,
    "sub dir/b.csv": b"station,tas\nPalisades,281.5\n",
    "sub dir/deeper/c.txt": b"",
    "store.zarr/zarr.json": b'{"zarr_format": 3, "node_type": "group"}',
}


def command_text(root: dict, folder: str) -> dict:
    if shutil.which("node") is None:
        pytest.fail("node is not on PATH: the command comes from the compiled frontend", pytrace=False)
    if not COMPILED.exists():
        pytest.fail(f"{COMPILED} is missing: run `jlpm build:lib`", pytrace=False)
    out = subprocess.run(
        ["node", str(TEXT)],
        input=json.dumps({"root": root, "folder": folder}),
        capture_output=True,
        text=True,
        timeout=60,
    )
    if out.returncode:
        pytest.fail(f"hpc_upload_text.mjs failed: {out.stderr}", pytrace=False)
    return json.loads(out.stdout)


async def test_the_copied_command_uploads_a_folder_into_the_inbox(api, s3_server, tmp_path):
    if shutil.which("rclone") is None:
        pytest.fail("rclone is not on PATH: the test runs the command as a user would", pytrace=False)
    status, body = await api("roots")
    assert status == 200
    inbox = {root["id"]: root for root in body["roots"]}["osn-inbox"]
    assert inbox["endpoint"].rstrip("/") == s3_now().rstrip("/")  # the server names the emulator

    folder = f"hpc-{uuid.uuid4().hex[:10]}/run 1/"
    built = command_text(inbox, folder)
    text = built["text"]
    assert "testing" not in text  # the keys come from the environment, never the clipboard

    local = tmp_path / "my data"
    for name, data in FILES.items():
        (local / name).parent.mkdir(parents=True, exist_ok=True)
        (local / name).write_bytes(data)
    assert text.count(built["placeholder"]) == 2  # the comment and the command
    script = text.replace(f" {built['placeholder']} ", f" '{local}' ")
    assert str(local) in script

    env = {k: v for k, v in os.environ.items() if not k.startswith(("RCLONE_", "AWS_"))}
    env.update(OSN_KEY="testing", OSN_SECRET="testing", RCLONE_CONFIG=str(tmp_path / "rclone.conf"))
    run = subprocess.run(["bash", "-e", "-c", script], env=env, capture_output=True, text=True, timeout=180)
    assert run.returncode == 0, f"{s3_server}: {run.stderr}"

    client = s3_client()
    try:
        listed = client.list_objects_v2(Bucket=inbox["bucket"], Prefix=folder)
        keys = sorted(o["Key"] for o in listed.get("Contents", []))
        assert keys == sorted(folder + name for name in FILES)
        for name, data in FILES.items():
            got = client.get_object(Bucket=inbox["bucket"], Key=folder + name)["Body"].read()
            assert got == data, name
    finally:
        for name in FILES:
            client.delete_object(Bucket=inbox["bucket"], Key=folder + name)
