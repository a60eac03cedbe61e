"""The Content-Security-Policy: Django's own middleware and ``SECURE_CSP``, plus per-path
exceptions for third-party pages that cannot follow the strict policy.

The strict policy (the ``SECURE_CSP`` setting, in ``helpdesk.settings.base``) allows
scripts, styles and fonts from this origin only, images from here and ``data:``, and
connections here and to WebSockets; nothing inline, no ``eval``. The dashboard, the login
page and the admin follow it as they are.

The one exception is the Swagger page at ``/api/docs/``: drf-spectacular renders its set-up
script and a few styles inline, and the script holds the CSRF token, so no fixed hash can
allow it. That page alone gets ``'unsafe-inline'``; it shows the public schema and runs no
visitor-supplied content. (``SpectacularSwaggerSplitView`` would move the script out, the
style block would remain.)
"""

from django.conf import settings
from django.middleware.csp import ContentSecurityPolicyMiddleware
from django.utils.csp import CSP

# Path prefix → what to add to the strict policy there; first match wins.
PATH_RELAXATIONS = {
    "/api/docs/": {
        "script-src": [CSP.SELF, CSP.UNSAFE_INLINE],
        "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    },
}


class PathScopedCSPMiddleware(ContentSecurityPolicyMiddleware):
    """Django's CSP middleware, with ``PATH_RELAXATIONS`` for the pages named there. A view
    decorated with ``django.views.decorators.csp.csp_override`` still wins."""

    def process_response(self, request, response):
        if not hasattr(response, "_csp_config") and settings.SECURE_CSP:
            for prefix, relaxation in PATH_RELAXATIONS.items():
                if request.path.startswith(prefix):
                    response._csp_config = {**settings.SECURE_CSP, **relaxation}
                    break
        return super().process_response(request, response)
