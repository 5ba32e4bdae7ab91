"""The storage calls that reach into gcsfs's and s3fs's private APIs, each made once
against the emulators, with the installed package (scripts/matrix runs this in each of
its virtual environments, from outside the source tree, so the wheel is what is tested).

Every private name listed in docs/install.md is exercised here: gcsfs's `_call` (list,
head, media and composite uploads, rewrite, compose, conditional delete), `_location`,
`batch_url_base` (bulk delete), `initiate_upload`/`upload_chunk` (resumable upload),
`_set_session`/`session`/`_get_headers`/`requests_timeout` and `retry.validate_response`
(streamed GET); s3fs's `_call_s3` (list, head, conditional GET, PutObject with
If-None-Match, multipart upload, CopyObject, UploadPartCopy, conditional delete,
DeleteObjects through a client without retries), `_cat_file` and `retries`.

    python scripts/matrix_storage.py GCS_PORT S3_PORT

Prints one line per check and exits non-zero if any failed."""

import asyncio
import hashlib
import sys
import traceback
import uuid

import gcsfs
import s3fs

import jupyterlab_leap_buckets
from jupyterlab_leap_buckets.storage.errors import Exists, SourceChanged
from jupyterlab_leap_buckets.storage.gcs import GcsStore
from jupyterlab_leap_buckets.storage.gcs_composite import composite_upload
from jupyterlab_leap_buckets.storage.s3 import S3Store

MiB = 1024 * 1024
SMALL = b"matrix check\n" * 100
OTHER = b"another writer\n" * 100
# Larger than SINGLE_REQUEST (8 MiB), so GCS takes a resumable upload and S3 a multipart one.
LARGE = bytes(range(256)) * (9 * MiB // 256 + 1)
results = []


async def check(name, coro):
    try:
        await coro
    except Exception:  # noqa: BLE001 - reported, and the run fails
        results.append((name, False))
        print(f"FAIL {name}\n{traceback.format_exc()}", flush=True)
    else:
        results.append((name, True))
        print(f"ok   {name}", flush=True)


async def chunks(data, size=8 * MiB):
    for i in range(0, len(data), size):
        yield data[i : i + size]


async def expect(exc_type, coro):
    try:
        await coro
    except exc_type:
        return
    raise AssertionError(f"expected {exc_type}")


async def collect(agen):
    return b"".join([piece async for piece in agen])


async def gcs_checks(port):
    store = GcsStore("leap-scratch", f"http://127.0.0.1:{port}", "anon")
    base = f"demo/matrix-{uuid.uuid4().hex[:8]}/"
    small, large, copy, parts = base + "small.txt", base + "large.bin", base + "copy.txt", base + "composite.bin"

    async def uploads():
        await store.upload(small, len(SMALL), chunks(SMALL), if_absent=True)
        # The same bytes again count as written (a try whose answer was lost; `holding`),
        # other bytes are refused.
        await store.upload(small, len(SMALL), chunks(SMALL), if_absent=True)
        await expect(Exists, store.upload(small, len(OTHER), chunks(OTHER), if_absent=True))
        assert await store.read(small, 0, len(SMALL) + 1) == SMALL
        await store.upload(large, len(LARGE), chunks(LARGE))
        info = await store.head(large)
        assert info.size == len(LARGE) and info.md5 == hashlib.md5(LARGE).hexdigest(), info

    async def composite():
        out = await composite_upload(store, parts, chunks(SMALL * 3))
        assert int(out["size"]) == 3 * len(SMALL), out
        leftover = [i.key async for i in store.walk(base) if "/.leap-buckets-parts/" in i.key]
        assert not leftover, leftover

    async def listing():
        page = await store.list_dir(base, None, 2)
        assert [f.key for f in page.files] == [parts, large] and page.truncated, page
        keys = sorted([i.key async for i in store.walk(base)])
        assert keys == sorted([small, large, parts]), keys
        assert await store.head(base + "missing") is None

    async def reads():
        info = await store.head(large)
        assert await store.read(large, 0, 10) == LARGE[:10]
        assert await collect(store.stream(large, info.size, MiB, version=info.generation)) == LARGE
        await expect(SourceChanged, collect(store.stream(large, info.size, MiB, version="1")))

    async def copies():
        info = await store.head(small)
        # fake-gcs-server ignores preconditions on rewrite and delete: the calls are made,
        # their refusals cannot be checked here (the service's answers are, in tests/).
        await store.server_copy(small, store, copy, version=info.generation, if_absent=True)
        assert await store.read(copy, 0, len(SMALL)) == SMALL

    async def deletes():
        info = await store.head(copy)
        await store.delete(copy, version=info.generation)
        assert await store.head(copy) is None
        batch = [{"key": i.key, "generation": i.generation} async for i in store.walk(base)]
        out = await store.delete_batch(batch)
        assert [status for status, _ in out] == ["deleted"] * len(batch), out
        assert [i async for i in store.walk(base)] == []

    for name, step in [
        ("upload (media, if absent; resumable)", uploads),
        ("composite upload (media parts, compose, batch delete)", composite),
        ("list_dir, walk, head", listing),
        ("read, streamed GET of a generation", reads),
        ("rewrite (if absent, of a generation)", copies),
        ("conditional delete, batch delete", deletes),
    ]:
        await check(f"gcs: {name}", step())


async def s3_checks(port):
    endpoint = f"http://127.0.0.1:{port}"
    store = S3Store("leap-pangeo-inbox", endpoint, False, key="testing", secret="testing")
    base = f"matrix-{uuid.uuid4().hex[:8]}/"
    small, large, copy, copy2 = base + "small.txt", base + "large.bin", base + "copy.txt", base + "copy2.txt"

    async def uploads():
        await store.upload(small, len(SMALL), chunks(SMALL), if_absent=True)
        await store.upload(small, len(SMALL), chunks(SMALL), if_absent=True)  # the same bytes
        await expect(Exists, store.upload(small, len(OTHER), chunks(OTHER), if_absent=True))
        assert await store.read(small, 0, len(SMALL) + 1) == SMALL
        started = []
        await store.upload(large, len(LARGE), chunks(LARGE), started=started)
        assert started == [], started
        assert (await store.head(large)).size == len(LARGE)

    async def listing():
        page = await store.list_dir(base, None, 1)
        assert [f.key for f in page.files] == [large] and page.truncated, page
        assert sorted([i.key async for i in store.walk(base)]) == [large, small]
        assert await store.head(base + "missing") is None

    async def reads():
        info = await store.head(large)
        assert await store.read(large, 0, 10) == LARGE[:10]
        assert await collect(store.stream(large, info.size, MiB, version=info.etag)) == LARGE
        # s3.py maps the refusal to SourceChanged by the words of s3fs's error; moto's
        # ("pre-conditions") reaches the caller as s3fs's OSError.
        await expect((SourceChanged, OSError), collect(store.stream(large, info.size, MiB, version='"0"')))

    async def copies():
        info = await store.head(small)
        await store.server_copy(small, store, copy, version=info.etag, size=info.size)
        await store.server_copy(small, store, copy2, version=info.etag, if_absent=True, size=info.size)
        await expect(Exists, store.server_copy(small, store, copy2, if_absent=True, size=info.size))
        assert await store.read(copy2, 0, len(SMALL)) == SMALL

    async def deletes():
        info = await store.head(copy)
        await expect(SourceChanged, store.delete(copy, version='"0"'))
        await store.delete(copy, version=info.etag)
        assert await store.head(copy) is None
        batch = [
            {"key": i.key, "etag": i.etag, "size": i.size, "modified": i.modified.isoformat()}
            async for i in store.walk(base)
        ]
        out = await store.delete_batch(batch, prefix=base)
        assert [status for status, _ in out] == ["deleted"] * len(batch), out
        assert [i async for i in store.walk(base)] == []

    async def aborts():
        begun = await store.fs._call_s3("create_multipart_upload", Bucket=store.bucket, Key=base + "left")
        started = [(base + "left", begun["UploadId"])]
        assert await store.abort_uploads(started) == 1 and started == []

    for name, step in [
        ("upload (PutObject if absent; multipart)", uploads),
        ("list_dir, walk, head", listing),
        ("read, conditional GetObject", reads),
        ("CopyObject, UploadPartCopy if absent", copies),
        ("conditional delete, DeleteObjects once", deletes),
        ("abort multipart uploads", aborts),
    ]:
        await check(f"s3: {name}", step())


async def main(gcs_port, s3_port):
    print(
        f"storage: jupyterlab_leap_buckets from {jupyterlab_leap_buckets.__file__}, "
        f"gcsfs {gcsfs.__version__}, s3fs {s3fs.__version__}",
        flush=True,
    )
    await gcs_checks(gcs_port)
    await s3_checks(s3_port)
    failed = [name for name, good in results if not good]
    print(f"storage: {len(results) - len(failed)}/{len(results)} checks passed", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main(sys.argv[1], sys.argv[2])))
