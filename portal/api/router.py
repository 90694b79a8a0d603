from rest_framework.routers import DefaultRouter

# One router for /api/v1/; each app registers its viewsets in its api/routes.py.
router = DefaultRouter()
