from rest_framework.routers import DefaultRouter


class PortalRouter(DefaultRouter):
    # No ".json" twin of every route: the API answers JSON (``Accept`` or ``?format=`` choose
    # otherwise), and the twins of ``@action`` routes answered 500, since an action does not
    # take the ``format`` kwarg a suffix route passes (found by the scope walk).
    include_format_suffixes = False


# One router for /api/v1/; each app registers its viewsets in its api/routes.py.
router = PortalRouter()
