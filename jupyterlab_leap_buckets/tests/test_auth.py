"""Every route refuses a request that carries no token or cookie."""

import pytest
from tornado.httpclient import AsyncHTTPClient, HTTPClientError

ROUTES = [
    "roots",
    "list?root=scratch&path=demo/",
    "object?root=scratch&path=demo/README.md",
]


@pytest.mark.parametrize("route", ROUTES)
async def test_routes_refuse_requests_without_a_token(
    emulators, jp_serverapp, jp_base_url, jp_http_port, route):
    url = f"http://127.0.0.1:{jp_http_port}{jp_base_url}leap-buckets/api/{route}"
    with pytest.raises(HTTPClientError) as refused:
        await AsyncHTTPClient().fetch(url)
    assert refused.value.code in (401, 403)
    # and with the token it works, so the refusal was about the token
    token = jp_serverapp.identity_provider.token
    ok = await AsyncHTTPClient().fetch(url, headers={"Authorization": f"token {token}"})
    assert ok.code == 200
