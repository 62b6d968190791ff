"""Every page names a self-hosted icon (browsers otherwise ask for /favicon.ico and log a 404 on each page)."""


def test_pages_link_a_self_hosted_icon(client):
    page = client.get("/")
    assert '<link rel="icon" href="/static/favicon.svg"' in page.text
    icon = client.get("/static/favicon.svg")
    assert icon.status_code == 200 and icon.mimetype == "image/svg+xml"
