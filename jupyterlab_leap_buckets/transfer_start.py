"""A transfer request (`POST transfers`), checked before its job starts: what its source
and target name, the guard's answer for both, what happens when something is at the
target already (fail, skip, overwrite, rename) and whether the copy leaves Google's
network. Uploads (uploads.py) share its checks of a target. The job itself, object by
object, is transfers.py's."""

from . import guard
from .errors import ApiError, bad_request
from .jobs import Job
from .places import MODES, TRANSFER_CONFLICTS, Place, base_name, parse_place, renamed
from .transfers import run
from .translate import translate


async def start_transfer(service, jobs, body: dict) -> Job:
    """Check the request and start its job (202), or raise the ApiError that says why
    not; a place's storage failure names that place's root."""
    mode, conflict = body.get("mode", "copy"), body.get("conflict", "fail")
    if mode not in MODES:
        raise bad_request(f"'mode' is one of {', '.join(MODES)}, not {mode!r}.")
    if conflict not in TRANSFER_CONFLICTS:
        raise bad_request(f"'conflict' is one of {', '.join(TRANSFER_CONFLICTS)}, not {conflict!r}.")
    source = parse_place(service, body.get("source"), "source")
    target = parse_place(service, body.get("target"), "target")
    folder, listing = await _is_folder(source)
    try:
        return await _checked_start(jobs, source, target, mode, conflict, folder, listing)
    except BaseException:
        if listing is not None:
            await listing.aclose()  # no job took it: its response is let go now
        raise


async def _checked_start(jobs, source, target, mode, conflict, folder, listing) -> Job:
    if folder and source.path and not source.path.endswith("/"):
        source.path += "/"
    name = base_name(source.path) + ("/" if folder else "")
    if not name.strip("/"):
        raise bad_request("Name a file or folder to transfer, not the top of a root.")
    dest = (
        target.path + name if target.path.endswith("/") or target.path == "" else target.path + ("/" if folder else "")
    )
    target = Place(target.store, target.root, dest)
    allowed_target(target)
    if mode == "move":
        allowed_source(source)
    if onto_itself(source, target, folder):
        raise bad_request(f"{source.url} cannot be transferred onto or into itself.")
    existed = await exists(target, folder)
    if existed:
        if conflict == "overwrite" and not folder and target.root is not None:
            guard.check(guard.OVERWRITE, target.root, target.path)  # may this user destroy it?
        if conflict == "fail":
            # A folder meeting a folder may also be updated (only what differs is copied).
            choices = "skip, keep both, update or overwrite" if folder else "skip, keep both or overwrite"
            raise ApiError(409, "conflict", f"{target.url} exists already; choose to {choices}.")
        if conflict == "rename":
            target = await free_name(target, folder)
            allowed_target(target)  # the final name, asked again
            existed = False
    label = f"{'Move' if mode == 'move' else 'Copy'} {source.url} to {target.url}"
    job = jobs.start(
        "transfer",
        label,
        lambda job: run(jobs, job, source, target, mode, conflict, listing=listing),
        source=source.to_api(),
        target=target.to_api(),
        mode=mode,
        conflict=conflict,
        note=leaves_google(source, target),
        targetCreated=not existed,
    )
    return job


def allowed_target(target: Place):
    """The guard's answer for writing at `target` (a key, or a disk path)."""
    if target.root is not None:
        guard.check(guard.WRITE, target.root, target.path)
    else:
        target.store.resolve(guard.local_path(target.path), named=True)


def allowed_source(source: Place):
    """A move deletes its source: the guard's answer for deleting it, as a delete would."""
    if source.root is not None:
        guard.check(guard.DELETE, source.root, source.path, named=True)
    elif not source.path.strip("/"):
        raise bad_request("The server's root folder cannot be moved; move what is in it.")
    else:
        source.store.resolve(source.path, named=True)


def onto_itself(source: Place, target: Place, folder: bool) -> bool:
    """Whether the target is the source or lies inside it: for buckets by bucket and key
    (two roots on one bucket are one bucket), on the disk by device and inode (a
    symlinked folder or another spelling of a name is the same folder)."""
    if source.root is None and target.root is None:
        src, dst = source.store.resolve(source.path), target.store.resolve(target.path)
        return guard.within(src, dst) if folder else guard.same_file(src, dst)
    if source.root is None or target.root is None or source.bucket_id != target.bucket_id:
        return False
    return target.path == source.path or (folder and target.path.startswith(source.path))


def leaves_google(source: Place, target: Place):
    """One line for copies between Google and elsewhere (OSN): their bytes cross the
    internet, through this server, and Google bills the egress."""
    providers = {p.root.provider for p in (source, target) if p.root}
    if len(providers) < 2 or "gcs" not in providers:
        return None
    if source.root.provider == "gcs":
        return (
            "This copy leaves Google's network: the bytes stream from Google Cloud through this server to "
            f"{target.root.label}."
        )
    return f"This copy enters Google's network from {source.root.label}: the bytes stream through this server."


async def _is_folder(place: Place) -> tuple:
    """Whether the source is a folder, and for a bucket's folder its listing, begun: the
    page that showed it is a folder is the job's first, not asked for twice (a round trip,
    and the service's own listing time, before the first object moved; docs/benchmarks.md,
    "Transfers over the hub profile"). 404 when there is nothing at it (a missing folder is
    refused like a missing file, not run as a job of nothing)."""
    try:
        found, listing = await _folder_or_file(place)
    except Exception as exc:
        raise translate(exc, place.root, f"Reading {place.path or 'the top'}") from None
    if found is None:
        raise ApiError(404, "not-found", f"There is nothing at {place.url}; refresh the listing.")
    return found, listing


async def _folder_or_file(place: Place) -> tuple:
    """(True for a folder, False for a file, None for nothing; the folder's listing from
    its first object on, for a bucket's folder)."""
    if place.path and not place.path.endswith("/") and await place.store.head(place.path):
        return False, None
    folder = place.path if place.path == "" or place.path.endswith("/") else place.path + "/"
    if place.root is None:
        return (True if place.store.resolve(folder).is_dir() else None), None
    walk = place.store.walk(folder)
    try:
        first = await walk.__anext__()
    except StopAsyncIteration:
        return None, None
    except BaseException:
        await walk.aclose()
        raise
    return True, Begun(first, walk)


class Begun:
    """A listing whose first object was read already: that object, then the rest.
    `aclose` lets the rest's response go, whether or not it was iterated."""

    def __init__(self, first, rest):
        self.first, self.rest = first, rest

    def __aiter__(self):
        return self._items()

    async def _items(self):
        yield self.first
        async for info in self.rest:
            yield info

    async def aclose(self):
        # A task still reading it (transfers.ahead's, being cancelled) closes it as it ends.
        if not self.rest.ag_running:
            await self.rest.aclose()


async def exists(place: Place, folder: bool) -> bool:
    """Whether something is at the place; a storage failure names the place's root."""
    try:
        return await _exists(place, folder)
    except Exception as exc:
        raise translate(exc, place.root, f"Looking at {place.path or 'the top'}") from None


async def _exists(place: Place, folder: bool) -> bool:
    if not folder:
        return await place.store.head(place.path) is not None
    if place.root is None:
        return place.store.resolve(place.path).exists()
    async for _ in place.store.walk(place.path):
        return True
    return False


async def free_name(place: Place, folder: bool) -> Place:
    name = base_name(place.path) + ("/" if folder else "")
    parent = place.path[: len(place.path) - len(name)]
    for n in range(1, 1000):
        candidate = Place(place.store, place.root, parent + renamed(name, n))
        if not await exists(candidate, folder):
            return candidate
    raise ApiError(409, "conflict", f"No free name like {renamed(name, 1)!r} in {parent or 'the top'}.")
