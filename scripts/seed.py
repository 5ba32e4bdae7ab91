"""Seed the emulators with LEAP-like data: the demo user's and another user's folders in
scratch and persistent, real Zarr v2 and v3 stores written by zarr-python, an Icechunk
repository written by icechunk and kerchunk references to a netCDF file (seed_virtual.py),
a folder of 2,600 objects, files of several sizes and ages, and the OSN buckets, in both S3 servers
(moto, and versitygw where it runs: the tests run the S3 ones against each).

Run by `scripts/stack seed` on freshly started, empty emulators."""

import json
import os
import pathlib
import tempfile
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone

import boto3
import numpy as np
import requests
from seed_virtual import icechunk_files, virtual_files

import zarr

REPO = pathlib.Path(__file__).resolve().parents[1]
GCS = f"http://127.0.0.1:{os.environ.get('LEAP_BUCKETS_GCS_PORT', '4443')}"
S3 = f"http://127.0.0.1:{os.environ.get('LEAP_BUCKETS_S3_PORT', '5555')}"
# versitygw's port, as scripts/stack chooses it (7070 plus the S3 port's distance from 5555)
VERSITY = f"http://127.0.0.1:{os.environ.get('LEAP_BUCKETS_VERSITY_PORT') or 7070 + int(S3.rsplit(':', 1)[1]) - 5555}"
GCS_ROOT = pathlib.Path(
    os.environ.get("LEAP_BUCKETS_GCS_ROOT") or REPO / ".stack" / "gcs"
)  # fake-gcs-server's filesystem backend
NOW = datetime.now(timezone.utc)
MiB = 1024 * 1024

http = requests.Session()
http.mount("http://", requests.adapters.HTTPAdapter(pool_maxsize=16))


def s3_client(endpoint):
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        region_name="us-east-1",
    )


counts = {}


def gcs_put(bucket, name, data):
    quoted = urllib.parse.quote(name, safe="")
    url = f"{GCS}/upload/storage/v1/b/{bucket}/o?uploadType=media&name={quoted}"
    http.post(url, data=data, timeout=60).raise_for_status()
    counts[bucket] = counts.get(bucket, 0) + 1


def s3_put(s3, label, bucket, name, data, public):
    extra = {"ACL": "public-read"} if public else {}
    s3.put_object(Bucket=bucket, Key=name, Body=data, **extra)
    counts[label + bucket] = counts.get(label + bucket, 0) + 1


def backdate(bucket, name, age: timedelta):
    """Make an object look `age` old. fake-gcs-server sets timeCreated on upload and
    offers no way to choose it, so rewrite the metadata its filesystem backend keeps
    (an xattr, or a `.metadata` file where xattrs are not supported)."""
    path = GCS_ROOT / bucket / name
    when = (NOW - age).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    sidecar = pathlib.Path(str(path) + ".metadata")
    raw = sidecar.read_bytes() if sidecar.exists() else os.getxattr(path, "user.metadata")
    meta = json.loads(raw)
    meta["Created"] = meta["Updated"] = when
    encoded = json.dumps(meta).encode()
    if sidecar.exists():
        sidecar.write_bytes(encoded)
    else:
        os.setxattr(path, "user.metadata", encoded)


def zarr_files(zarr_format, kind, consolidated=False):
    """The files of a small real Zarr store written by zarr-python, as {key: bytes}."""
    folder = tempfile.mkdtemp(prefix="leap-seed-")
    group = zarr.open_group(folder, mode="w", zarr_format=zarr_format)
    lat = np.linspace(-89.5, 89.5, 18, dtype="f4")
    lon = np.linspace(0.5, 359.5, 36, dtype="f4")
    dims3 = ("time", "lat", "lon")

    def array(name, data, dims, chunks, attrs):
        if zarr_format == 2:
            arr = group.create_array(name, shape=data.shape, chunks=chunks, dtype=data.dtype)
            arr.attrs.update({**attrs, "_ARRAY_DIMENSIONS": list(dims)})
        else:
            arr = group.create_array(name, shape=data.shape, chunks=chunks, dtype=data.dtype, dimension_names=dims)
            arr.attrs.update(attrs)
        arr[...] = data

    rng = np.random.default_rng(7)
    array("lat", lat, ("lat",), (18,), {"units": "degrees_north", "long_name": "latitude"})
    array("lon", lon, ("lon",), (36,), {"units": "degrees_east", "long_name": "longitude"})
    array("time", np.arange(12, dtype="i4"), ("time",), (12,), {"units": "months since 2000-01-01"})
    field = (280 + 15 * rng.standard_normal((12, 18, 36))).astype("f4")
    names = {
        "ocean": ("sst", "sea surface temperature"),
        "atmos": ("t2m", "2 metre temperature"),
        "precip": ("pr", "precipitation"),
        "surface": ("ts", "surface temperature"),
        "climatology": ("tas", "near-surface air temperature"),
    }
    var, long_name = names[kind]
    array(var, field, dims3, (3, 9, 18), {"units": "K", "long_name": long_name})
    group.attrs.update({"title": f"LEAP demo {kind} data", "source": "synthetic"})
    if consolidated:
        zarr.consolidate_metadata(folder)
    root = pathlib.Path(folder)
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def put_store(put, prefix, files):
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda item: put(prefix + item[0], item[1]), files.items()))
    return list(files)


def seed_gcs():
    for bucket in ("leap-scratch", "leap-persistent"):
        http.post(f"{GCS}/storage/v1/b?project=leap", json={"name": bucket}).raise_for_status()
    rng = np.random.default_rng(1)
    scratch = lambda name, data: gcs_put("leap-scratch", name, data)  # noqa: E731
    scratch("demo/README.md", b"# demo's scratch\n\nScratch is deleted 7 days after creation.\n")
    scratch("demo/results/tiny.txt", b"ok\n")
    scratch("demo/results/summary.csv", b"run,mean\n" + b"".join(b"%d,%.3f\n" % (i, i / 7) for i in range(4000)))
    scratch("demo/results/run-001.nc", rng.bytes(3 * MiB))
    scratch("demo/results/run-002.nc", rng.bytes(12 * MiB))
    ocean = put_store(scratch, "demo/ocean.zarr/", zarr_files(2, "ocean", consolidated=True))
    put_store(scratch, "demo/surface_temp/", zarr_files(2, "surface"))
    put_store(scratch, "demo/atmos.zarr/", zarr_files(3, "atmos"))
    put_store(scratch, "demo/precip_v3/", zarr_files(3, "precip"))
    scratch("demo/not-a-store.zarr/notes.txt", b"named like a store, but holds no Zarr metadata\n")
    scratch("demo/not-a-store.zarr/data.bin", rng.bytes(2048))
    put_store(scratch, "demo/sst-repo/", icechunk_files())  # Icechunk, named like any folder
    put_store(scratch, "demo/", virtual_files(lambda key: f"gs://leap-scratch/demo/{key}"))
    scratch("demo/notes/ideas.md", b"- try a coarser grid\n")
    scratch("demo/notes/2026/week-47.md", b"ran the ensemble\n")
    with ThreadPoolExecutor(16) as pool:
        list(pool.map(lambda i: scratch(f"demo/many/part-{i:05d}.txt", b"%d\n" % i), range(2600)))
    scratch("other-user/hello.txt", b"not demo's\n")
    put_store(scratch, "other-user/run.zarr/", zarr_files(2, "ocean", consolidated=True))

    ages = {
        "demo/README.md": timedelta(hours=1),
        "demo/results/tiny.txt": timedelta(days=4),
        "demo/results/summary.csv": timedelta(days=8),
        "demo/results/run-001.nc": timedelta(days=6, hours=12),
        "demo/results/run-002.nc": timedelta(days=2),
    }
    for key in ocean:  # metadata is written first, so it expires first
        ages[f"demo/ocean.zarr/{key}"] = timedelta(days=6, hours=20) if ".z" in key else timedelta(days=5)
    for name, age in ages.items():
        backdate("leap-scratch", name, age)

    keep = lambda name, data: gcs_put("leap-persistent", name, data)  # noqa: E731
    put_store(keep, "demo/climatology.zarr/", zarr_files(2, "climatology", consolidated=True))
    keep("demo/paper/figure-1.png", rng.bytes(200 * 1024))
    keep("demo/paper/draft.md", b"# Draft\n")
    keep("demo/environment.yml", b"name: leap\ndependencies: [xarray, zarr, gcsfs]\n")
    keep("other-user/model.pt", rng.bytes(64 * 1024))
    backdate("leap-persistent", "demo/environment.yml", timedelta(days=90))


def seed_s3(s3, label=""):
    for bucket in ("leap-pangeo-inbox", "leap-pangeo-manual", "leap-pangeo-pipeline"):
        s3.create_bucket(Bucket=bucket)
    # The OSN data buckets are public: everyone reads them anonymously.
    for bucket in ("leap-pangeo-manual", "leap-pangeo-pipeline"):
        policy = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": "*",
                    "Action": ["s3:GetObject", "s3:ListBucket"],
                    "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
                }
            ],
        }
        s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(policy))
    inbox = lambda name, data: s3_put(s3, label, "leap-pangeo-inbox", name, data, False)  # noqa: E731
    inbox("demo/from-hpc/run.log", b"pushed from the HPC centre\n")
    put_store(inbox, "demo/from-hpc/output.zarr/", zarr_files(2, "ocean"))
    manual = lambda name, data: s3_put(s3, label, "leap-pangeo-manual", name, data, True)  # noqa: E731
    put_store(manual, "CMIP6/tas.zarr/", zarr_files(3, "climatology"))
    manual("CMIP6/README.md", b"Hand-curated CMIP6 subsets.\n")
    manual("README.md", b"LEAP manual uploads (read-only).\n")
    pipe = lambda name, data: s3_put(s3, label, "leap-pangeo-pipeline", name, data, True)  # noqa: E731
    put_store(pipe, "era5/surface.zarr/", zarr_files(2, "surface", consolidated=True))
    pipe("era5/catalog.json", b'{"datasets": ["surface.zarr"]}\n')
    pipe("logs/2026-11-01.txt", b"feedstock run ok\n")
    put_store(pipe, "icechunk/sst/", icechunk_files())
    put_store(pipe, "", virtual_files(lambda key: f"s3://leap-pangeo-pipeline/{key}"))


if __name__ == "__main__":
    started = time.time()
    seed_gcs()
    seed_s3(s3_client(S3))
    try:
        requests.get(VERSITY, timeout=2)
    except requests.ConnectionError:
        print(f"seed: no versitygw at {VERSITY} (scripts/stack up starts it): its buckets are not seeded")
    else:
        seed_s3(s3_client(VERSITY), "versitygw:")
    summary = ", ".join(f"{bucket} {n}" for bucket, n in sorted(counts.items()))
    print(f"seed: {summary} objects in {time.time() - started:.0f} s")
