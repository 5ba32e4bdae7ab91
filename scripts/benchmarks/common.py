"""What the benchmarks share: running a tool in its own process and measuring it."""

import os
import subprocess
import tempfile
import time
from collections import namedtuple
from pathlib import Path

STACK = Path(__file__).resolve().parents[2] / ".stack"
# cpu: the tool's CPU seconds (user and system, with those of the children it waited
# for); emulators: what fake-gcs-server and moto spent meanwhile. On this 2-core machine
# the tool and the emulators share the cores, so these say what the wall time does not:
# how much of the machine each tool needed for the same work.
Run = namedtuple("Run", "seconds rss out err cpu emulators")


def emulators_cpu() -> float:
    """CPU seconds fake-gcs-server and the S3 server (moto, or versitygw under
    --s3-server) have spent so far (from `scripts/stack`'s pid files)."""
    total = 0
    # `scripts/stack` names them by port, but for the default ports (gcs.pid, s3.pid).
    gcs, s3 = os.environ.get("LEAP_BUCKETS_GCS_PORT", "4443"), os.environ.get("LEAP_BUCKETS_S3_PORT", "5555")
    names = ["gcs.pid" if gcs == "4443" else f"gcs-{gcs}.pid", "s3.pid" if s3 == "5555" else f"s3-{s3}.pid"]
    if os.environ.get("LEAP_BUCKETS_BENCH_S3_SERVER") == "versitygw":
        port = os.environ.get("LEAP_BUCKETS_VERSITY_PORT") or str(7070 + int(s3) - 5555)
        names[1] = "versitygw.pid" if port == "7070" else f"versitygw-{port}.pid"
    for name in names:
        try:
            pid = (STACK / name).read_text().strip()
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
    return total / os.sysconf("SC_CLK_TCK")


def measure(cmd, env=None) -> Run:
    """Run `cmd` and measure it (`Run`). Raises if it fails."""
    env = {**os.environ, **(env or {})}
    env.pop("AWS_CA_BUNDLE", None)  # rclone cannot combine it with its own transport
    # Output goes to files, not pipes: a tool that writes more than a pipe holds would
    # block while we wait for it.
    # Each tool starts with the disk's write-back caught up, so none pays for the bytes the
    # one before it left in the page cache (on this machine that swung a run by a third).
    os.sync()
    with tempfile.TemporaryFile() as out_file, tempfile.TemporaryFile() as err_file:
        started, emulators = time.perf_counter(), emulators_cpu()
        proc = subprocess.Popen(cmd, env=env, stdout=out_file, stderr=err_file)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        emulators = emulators_cpu() - emulators
        out_file.seek(0)
        err_file.seek(0)
        out, err = out_file.read().decode(), err_file.read().decode()
    if status != 0:
        raise RuntimeError(f"{cmd[:3]} failed: {err[-800:]}")
    return Run(seconds, usage.ru_maxrss / 1024, out, err, usage.ru_utime + usage.ru_stime, emulators)


# Seconds after deleting files before a timed run may create any. This machine's disk is
# ext4 without a journal, where the kernel skips inodes freed in the last 30 seconds when
# it allocates new ones (`recently_deleted` in fs/ext4/ialloc.c; 330 seconds while their
# inode table block is still unwritten): after deleting 24,000 files, each new file cost
# up to 0.8 ms of kernel time instead of 0.1 ms, and 3,000 downloads of 64 KiB took 3.1 s
# instead of 0.9 s, whichever tool ran (`perf` showed recently_deleted and
# find_inode_bit on top). A run that followed the benchmark's own cleanup paid for it.
SETTLE = 31


def settle():
    """Write back what is pending and wait until no freed inode counts as recent, so the
    next timed run creates files at the disk's ordinary cost."""
    os.sync()
    time.sleep(SETTLE)


def emulator_config(**extra):
    """The extension's configuration pointed at the emulators `scripts/stack up` starts (through
    the proxies when a --network profile is applied)."""
    from network import tool_endpoints

    from jupyterlab_leap_buckets.config import LeapBuckets

    endpoints = tool_endpoints()  # through Toxiproxy under --network
    return LeapBuckets(
        gcs_endpoint=endpoints["gcs"],
        s3_endpoint=endpoints["s3"],
        s3_key="testing",
        s3_secret="testing",
        **extra,
    )
