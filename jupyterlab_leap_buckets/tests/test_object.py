"""`object`: the bytes, ranges, and errors; checked against the emulators' own APIs."""

import pytest

from .conftest import gcs_get, s3_client


async def fetch_object(jp_fetch, root, path, headers=None):
    return await jp_fetch(
        "leap-buckets",
        "api",
        "object",
        params={"root": root, "path": path},
        headers=headers or {},
        raise_error=False,
    )


async def test_object_bytes_match_the_emulator(emulators, jp_fetch):
    response = await fetch_object(jp_fetch, "scratch", "demo/ocean.zarr/.zmetadata")
    assert response.code == 200
    assert response.body == gcs_get("leap-scratch", "demo/ocean.zarr/.zmetadata")
    assert response.headers["Content-Type"] == "application/octet-stream"
    assert response.headers["Content-Security-Policy"] == "sandbox"


async def test_large_object_streams_in_chunks_intact(emulators, jp_fetch):
    # results/run-002.nc is several MiB, more than one 4 MiB chunk
    response = await fetch_object(jp_fetch, "scratch", "demo/results/run-002.nc")
    assert response.code == 200
    expected = gcs_get("leap-scratch", "demo/results/run-002.nc")
    assert len(expected) > 4 * 1024 * 1024
    assert response.body == expected


@pytest.mark.parametrize("header, start, end", [("bytes=0-9", 0, 10), ("bytes=5-", 5, None), ("bytes=-4", -4, None)])
async def test_ranges_are_honoured(emulators, jp_fetch, header, start, end):
    whole = gcs_get("leap-scratch", "demo/README.md")
    response = await fetch_object(jp_fetch, "scratch", "demo/README.md", {"Range": header})
    assert response.code == 206
    assert response.body == whole[start:end]
    assert response.headers["Content-Range"].endswith(f"/{len(whole)}")


async def test_s3_object_matches_boto3(emulators, jp_fetch):
    s3 = s3_client()
    key = next(
        o["Key"]
        for o in s3.list_objects_v2(Bucket="leap-pangeo-pipeline", Prefix="era5/")["Contents"]
        if o["Key"].endswith(".zmetadata")
    )
    response = await fetch_object(jp_fetch, "osn-pipeline", key)
    assert response.code == 200
    assert response.body == s3.get_object(Bucket="leap-pangeo-pipeline", Key=key)["Body"].read()


@pytest.mark.parametrize(
    "root, path, headers, status, code",
    [
        ("scratch", "demo/absent.bin", {}, 404, "not-found"),
        ("osn-pipeline", "nothing/here", {}, 404, "not-found"),
        ("scratch", "demo/", {}, 400, "bad-request"),
        ("nope", "demo/README.md", {}, 404, "not-found"),
        ("scratch", "demo/README.md", {"Range": "bytes=999999-"}, 416, "bad-range"),
        ("scratch", "demo/README.md", {"Range": "lines=1-2"}, 416, "bad-range"),
    ],
)
async def test_object_errors(emulators, jp_fetch, root, path, headers, status, code):
    import json

    response = await fetch_object(jp_fetch, root, path, headers)
    assert response.code == status
    assert json.loads(response.body)["error"]["code"] == code
