"""Every route refuses a request that carries no token or cookie."""

import pytest

ROUTES = [
    "roots",
    "list?root=scratch&path=demo/",
    "object?root=scratch&path=demo/README.md",
    "usage?root=scratch&path=demo/",
    "icechunk?root=scratch&path=demo/sst-repo/",
    "references?root=scratch&path=demo/virtual/tas-refs.json",
]


@pytest.mark.parametrize("route", ROUTES)
async def test_routes_refuse_requests_without_a_token(
    emulators, jp_serverapp, http_server_client, jp_base_url, jp_auth_header, route
):
    url = f"{jp_base_url}leap-buckets/api/{route}"
    refused = await http_server_client.fetch(url, raise_error=False)
    assert refused.code in (401, 403)
    assert b"demo/" not in refused.body
    # and with the token it works, so the refusal was about the token
    ok = await http_server_client.fetch(url, headers=jp_auth_header, raise_error=False)
    assert ok.code == 200
