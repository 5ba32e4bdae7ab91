"""What the stores raise besides the libraries' own errors (translate.py turns all of
them into the API's errors, against the root a request named)."""


class Exists(Exception):
    """A write that was to create an object found one there (the service refused it:
    ifGenerationMatch=0, If-None-Match: *, or a file already on the disk)."""


class SourceChanged(Exception):
    """The object or file is no longer the version that was read or copied: a conditional
    read or delete was refused, so nothing of the newer version was touched."""
