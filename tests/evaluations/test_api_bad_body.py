"""A write whose JSON body is not an object is refused with 400, never a 500."""

import pytest
from rest_framework.test import APIClient


@pytest.mark.django_db
def test_an_assignment_posted_as_a_bare_number_is_refused(world):
    client = APIClient()
    client.force_authenticate(world.city_officer)
    response = client.post("/api/v1/evaluation-assignments/", -1331920991, format="json")
    assert response.status_code == 400
