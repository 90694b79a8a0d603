import pytest

from stations.models import Station


@pytest.mark.django_db
def test_a_district_officer_sees_only_the_stations_of_their_district(world):
    seen = set(Station.objects.restrict(world.district_a_officer, "view"))
    assert seen == {world.station_a1, world.station_a2}
