"""How the S3 stores' aiobotocore session reads the times in responses (s3.py)."""

from datetime import datetime

import aiobotocore.session
import botocore.utils


def session_reading_times():
    """An aiobotocore session whose responses read ISO 8601 times (every listed object's
    LastModified) with the standard library: botocore's default, dateutil, took about a
    third of this process's CPU in a delete of 10,000 objects, 0.2 ms a key
    (docs/benchmarks.md, "Deletes with the listing in key ranges")."""
    session = aiobotocore.session.AioSession()
    session.get_component("response_parser_factory").set_parser_defaults(timestamp_parser=timestamp)
    return session


def timestamp(value):
    """A time in a botocore response: ISO 8601 by `datetime.fromisoformat` when it names
    its zone, anything else by botocore's own parser."""
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            parsed = None
        if parsed is not None and parsed.tzinfo is not None:
            return parsed
    return botocore.utils.parse_timestamp(value)  # HTTP dates, epoch numbers, the rest
