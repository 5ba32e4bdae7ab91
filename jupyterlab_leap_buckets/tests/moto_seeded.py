"""A moto S3 server (server mode: the real S3 protocol on a port) whose bucket holds
COUNT small objects from the start, put through moto's own backend before it serves:
100,000 take seconds this way, where PutObject over HTTP takes moto 11 minutes (155 a
second here). Used by test_load.py for its large listing.

    python moto_seeded.py PORT BUCKET PREFIX COUNT     (prints "ready" once it serves)
"""

import sys
import time

from moto.backends import get_backend
from moto.core import DEFAULT_ACCOUNT_ID
from moto.server import ThreadedMotoServer


def main():
    port, bucket, prefix, count = int(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    backend = get_backend("s3")[DEFAULT_ACCOUNT_ID]["global"]
    backend.create_bucket(bucket, "us-east-1")
    for i in range(count):
        backend.put_object(bucket, f"{prefix}obj-{i:06d}", b"%d" % i)
    print("ready", flush=True)
    while True:
        time.sleep(3600)


if __name__ == "__main__":
    main()
