"""The HTTP POST of one webhook delivery, with the standard library only.

Redirects are not followed (a 3xx is a failed attempt: a signed body must not be replayed
to wherever a Location header points). Proxies come from the usual environment variables
(``HTTPS_PROXY``, ``NO_PROXY``…). The timeout bounds each socket operation (connect, each
read), so a slow endpoint holds a worker a few times ``timeout`` at worst.
"""

import http.client
import urllib.error
import urllib.request
from dataclasses import dataclass

ERROR_BODY_CHARS = 500


@dataclass(frozen=True, slots=True)
class PostResult:
    status: int | None  # None: no HTTP response at all
    error: str  # empty on success

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def post(url: str, body: bytes, headers: dict[str, str], *, timeout: float) -> PostResult:
    """POST ``body`` to ``url``. Never raises for network or HTTP failures."""
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with _opener.open(request, timeout=timeout) as response:
            response.read(ERROR_BODY_CHARS)
            status = response.status
            return PostResult(status, "" if 200 <= status < 300 else f"HTTP {status}")
    except urllib.error.HTTPError as error:
        return PostResult(error.code, _http_error_text(error))
    except urllib.error.URLError as error:
        return PostResult(None, _reason_text(error.reason))
    except (OSError, ValueError) as error:
        # OSError: timeouts, resets; ValueError: a URL urllib cannot use.
        return PostResult(None, _reason_text(error))
    except http.client.HTTPException as error:  # a peer that does not speak HTTP
        return PostResult(None, f"{type(error).__name__}: {error}"[:ERROR_BODY_CHARS])


def _http_error_text(error: urllib.error.HTTPError) -> str:
    try:
        excerpt = error.read(ERROR_BODY_CHARS).decode("utf-8", "replace").strip()
    except Exception:
        excerpt = ""
    finally:
        error.close()
    text = f"HTTP {error.code}"
    return f"{text}: {excerpt}"[:ERROR_BODY_CHARS] if excerpt else text


def _reason_text(reason) -> str:
    if isinstance(reason, TimeoutError):
        return "timed out"
    return (str(reason) or type(reason).__name__)[:ERROR_BODY_CHARS]
