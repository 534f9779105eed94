"""What a load generator on loopback needs to talk to the portal as production configures it."""


def keep_cookies(session) -> dict[str, str]:
    """Send the portal's cookies back over plain HTTP on loopback: production marks them
    ``Secure`` (the TLS proxy in front is left out of the measurement), which would keep requests
    from ever sending them. Returns the cookies as they stand (``csrftoken`` for forms)."""
    cookies: dict[str, str] = {}

    def remember(response, *args, **kwargs):
        for cookie in response.cookies:
            cookies[cookie.name] = cookie.value
        session.headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items() if v)
        return response

    session.hooks["response"].append(remember)
    return cookies
