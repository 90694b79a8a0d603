"""Viewsets of the rectification app on the shared router.

Orders are served at ``/api/v1/rectification/orders/`` (they were under ``inspections/orders``
while the inspections app held them; the schema names the new route).
"""

from portal.api.router import router
from rectification.api.views import OrderViewSet

router.register("rectification/orders", OrderViewSet, basename="rectification-order")
