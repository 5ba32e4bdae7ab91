"""Seed what `scripts/hub` shows its two users, alice and bob, beside whatever
`scripts/stack seed` put there: each user's folders in scratch and persistent, with a
real Zarr store written by zarr-python in alice's scratch. Independent clients only
(requests on fake-gcs-server's JSON API, boto3 on moto). Idempotent: objects are
written again, buckets made only when missing."""

import pathlib
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

from seed import GCS, S3, counts, gcs_put, http, put_store, s3_client, zarr_files  # noqa: E402

s3 = s3_client(S3)  # moto, where the hub's servers read OSN


def ensure_buckets():
    for bucket in ("leap-scratch", "leap-persistent"):
        if http.get(f"{GCS}/storage/v1/b/{bucket}", timeout=10).status_code == 404:
            http.post(f"{GCS}/storage/v1/b?project=leap", json={"name": bucket}, timeout=10).raise_for_status()
    existing = {b["Name"] for b in s3.list_buckets()["Buckets"]}
    for bucket in ("leap-pangeo-inbox", "leap-pangeo-manual", "leap-pangeo-pipeline"):
        if bucket not in existing:
            s3.create_bucket(Bucket=bucket)


def seed():
    scratch = lambda name, data: gcs_put("leap-scratch", name, data)  # noqa: E731
    keep = lambda name, data: gcs_put("leap-persistent", name, data)  # noqa: E731
    for user in ("alice", "bob"):
        scratch(f"{user}/README.md", f"# {user}'s scratch\n\nDeleted 7 days after creation.\n".encode())
        keep(f"{user}/README.md", f"# {user}'s persistent space\n".encode())
    scratch("alice/results/summary.csv", b"run,mean\n" + b"".join(b"%d,%.3f\n" % (i, i / 7) for i in range(200)))
    scratch("alice/results/notes.txt", b"alice's results; bob may read them, never change them\n")
    put_store(scratch, "alice/ocean.zarr/", zarr_files(2, "ocean", consolidated=True))
    keep("alice/paper/draft.md", b"# Draft\n")
    scratch("bob/todo.txt", b"read alice's results\n")


if __name__ == "__main__":
    started = time.time()
    ensure_buckets()
    seed()
    summary = ", ".join(f"{bucket} {n}" for bucket, n in sorted(counts.items()))
    print(f"hub seed: {summary} objects in {time.time() - started:.1f} s")
