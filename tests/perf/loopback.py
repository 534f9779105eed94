"""What a load generator on loopback needs to talk to the portal as production configures it."""

from http.cookiejar import DefaultCookiePolicy


class LoopbackCookies(DefaultCookiePolicy):
    """Send the portal's ``Secure`` cookies back over plain HTTP on loopback (the TLS proxy of a
    production deployment is left out of the measurement)."""

    def return_ok_secure(self, cookie, request) -> bool:
        return True
