"""Icechunk repositories and virtual Zarr stores for the seed (seed.py): a repository written
by the icechunk package, and kerchunk references to a netCDF-4 file in the same bucket, as a
JSON file and as a Parquet reference folder.

Each is made on the local disk by the library that makes it for LEAP users, then uploaded
key by key, so the emulators hold exactly what the library wrote.

The Parquet folder: kerchunk writes it with fsspec's `LazyReferenceMapper`, which needs
pyarrow or fastparquet (fastparquet is a dev and test dependency).
"""

import json
import pathlib
import tempfile

import numpy as np


def icechunk_files() -> dict:
    """A small Icechunk repository (two commits on main, a branch and a tag), as {key: bytes}."""
    import icechunk

    import zarr

    folder = tempfile.mkdtemp(prefix="leap-seed-icechunk-")
    repo = icechunk.Repository.create(icechunk.local_filesystem_storage(folder))
    session = repo.writable_session("main")
    group = zarr.group(store=session.store, attributes={"title": "LEAP demo Icechunk repository"})
    rng = np.random.default_rng(3)
    sst = group.create_array(
        "sst", shape=(6, 18, 36), chunks=(3, 18, 36), dtype="f4", dimension_names=("time", "lat", "lon")
    )
    sst[...] = (290 + 5 * rng.standard_normal((6, 18, 36))).astype("f4")
    sst.attrs.update({"units": "K", "long_name": "sea surface temperature"})
    for name, size, units in (
        ("time", 6, "days since 2000-01-01"),
        ("lat", 18, "degrees_north"),
        ("lon", 36, "degrees_east"),
    ):
        coord = group.create_array(name, shape=(size,), chunks=(size,), dtype="f4", dimension_names=(name,))
        coord[...] = np.arange(size, dtype="f4")
        coord.attrs["units"] = units
    first = session.commit("Monthly SST, first half of 2000")
    repo.create_tag("v1.0", first)
    session = repo.writable_session("main")
    zarr.open_group(store=session.store)["sst"].attrs["source"] = "synthetic"
    session.commit("Add the source attribute")
    repo.create_branch("experiment", first)
    return _files(folder)


def netcdf_bytes() -> bytes:
    """A small netCDF-4 (HDF5) file written by xarray, the target of the references."""
    import xarray as xr

    rng = np.random.default_rng(5)
    data = xr.Dataset(
        {"tas": (("time", "lat", "lon"), (280 + 10 * rng.standard_normal((4, 9, 18))).astype("f4"), {"units": "K"})},
        coords={"time": np.arange(4), "lat": np.linspace(-80, 80, 9), "lon": np.linspace(0, 340, 18)},
        attrs={"title": "LEAP demo netCDF for kerchunk references"},
    )
    path = pathlib.Path(tempfile.mkdtemp(prefix="leap-seed-nc-")) / "tas.nc"
    # Chunked, so the references point at several byte ranges of the file.
    data.to_netcdf(path, engine="h5netcdf", encoding={"tas": {"chunksizes": (1, 9, 18)}})
    return path.read_bytes()


def kerchunk_refs(nc: bytes, url: str) -> dict:
    """kerchunk's version 1 references to the netCDF file `nc`, which lives at `url`."""
    import io

    from kerchunk.hdf import SingleHdf5ToZarr

    return SingleHdf5ToZarr(io.BytesIO(nc), url, inline_threshold=100).translate()


def parquet_refs_files(refs: dict) -> dict:
    """The Parquet reference folder for `refs`, as {key: bytes} (see the module's note)."""
    folder = pathlib.Path(tempfile.mkdtemp(prefix="leap-seed-parq-")) / "refs.parq"
    from kerchunk.df import refs_to_dataframe

    refs_to_dataframe(refs, str(folder), record_size=10)
    return _files(str(folder))


def virtual_files(url_of) -> dict:
    """The netCDF file, its JSON references and its Parquet reference folder, as
    {key: bytes} under `virtual/`; `url_of(key)` is the URL a key has in the bucket."""
    nc = netcdf_bytes()
    refs = kerchunk_refs(nc, url_of("virtual/tas.nc"))
    files = {"virtual/tas.nc": nc, "virtual/tas-refs.json": json.dumps(refs).encode()}
    for key, value in parquet_refs_files(refs).items():
        files[f"virtual/tas-refs.parq/{key}"] = value
    return files


def _files(folder: str) -> dict:
    root = pathlib.Path(folder)
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}
