"""CRC32C values as GCS reports them, and combined: the CRC32C of A + B from A's and B's
(for objects put together from pieces, whose bytes are not read twice)."""

import base64

_POLY = 0x82F63B78  # CRC32C's polynomial, reflected


def crc32c_b64(value: int) -> str:
    """A CRC32C value as the JSON API writes it (base64 of its four big-endian bytes)."""
    return base64.b64encode(value.to_bytes(4, "big")).decode()


def crc32c_combine(crc1: int, crc2: int, length2: int) -> int:
    """The CRC32C of A + B from CRC32C(A), CRC32C(B) and len(B): zlib's crc32_combine
    (Mark Adler's method: B's length in zero bits applied to crc1 by squaring the
    one-zero-bit operator in GF(2)), with CRC32C's polynomial."""
    if length2 <= 0:
        return crc1
    odd = [_POLY] + [1 << n for n in range(31)]  # the operator for one zero bit
    even = _square(odd)  # two zero bits
    odd = _square(even)  # four zero bits
    while True:
        even = _square(odd)  # the first pass: one zero byte
        if length2 & 1:
            crc1 = _times(even, crc1)
        length2 >>= 1
        if not length2:
            break
        odd = _square(even)
        if length2 & 1:
            crc1 = _times(odd, crc1)
        length2 >>= 1
        if not length2:
            break
    return crc1 ^ crc2


def _times(matrix: list, vector: int) -> int:
    total, row = 0, 0
    while vector:
        if vector & 1:
            total ^= matrix[row]
        vector >>= 1
        row += 1
    return total


def _square(matrix: list) -> list:
    return [_times(matrix, matrix[n]) for n in range(32)]
