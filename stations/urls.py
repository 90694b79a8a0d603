from django.urls import path

from stations.views import choices, contracts, geography, imports, institutions, stations

app_name = "stations"

urlpatterns = [
    # Stations
    path("", stations.StationListView.as_view(), name="station_list"),
    path("map-data/", stations.StationMapDataView.as_view(), name="station_map_data"),
    path("choices/<slug:source>/", choices.ChoiceSearchView.as_view(), name="choice_search"),
    path("new/", stations.StationCreateView.as_view(), name="station_create"),
    path("<int:pk>/", stations.StationDetailView.as_view(), name="station_detail"),
    path("<int:pk>/tabs/<slug:key>/", stations.StationTabView.as_view(), name="station_tab"),
    path("<int:pk>/edit/", stations.StationUpdateView.as_view(), name="station_update"),
    path(
        "<int:station_pk>/outposts/new/",
        stations.OutpostCreateView.as_view(),
        name="outpost_create",
    ),
    path("outposts/<int:pk>/close/", stations.OutpostCloseView.as_view(), name="outpost_close"),
    # Geography
    path("geography/", geography.DistrictListView.as_view(), name="district_list"),
    path(
        "geography/districts/<int:pk>/",
        geography.DistrictDetailView.as_view(),
        name="district_detail",
    ),
    path(
        "geography/subdistricts/<int:pk>/",
        geography.SubdistrictDetailView.as_view(),
        name="subdistrict_detail",
    ),
    # Institutions
    path("institutions/", institutions.InstitutionListView.as_view(), name="institution_list"),
    path(
        "institutions/new/", institutions.InstitutionCreateView.as_view(), name="institution_create"
    ),
    path(
        "institutions/<int:pk>/",
        institutions.InstitutionDetailView.as_view(),
        name="institution_detail",
    ),
    path(
        "institutions/<int:pk>/edit/",
        institutions.InstitutionUpdateView.as_view(),
        name="institution_update",
    ),
    path(
        "institutions/<int:institution_pk>/credit-records/new/",
        institutions.CreditRecordCreateView.as_view(),
        name="credit_record_create",
    ),
    path(
        "credit-records/<int:pk>/lift/",
        institutions.CreditRecordLiftView.as_view(),
        name="credit_record_lift",
    ),
    # Contracts
    path("contracts/", contracts.ContractListView.as_view(), name="contract_list"),
    path("contracts/new/", contracts.ContractCreateView.as_view(), name="contract_create"),
    path("contracts/policy-fee/", contracts.PolicyFeeView.as_view(), name="policy_fee"),
    path("contracts/<int:pk>/", contracts.ContractDetailView.as_view(), name="contract_detail"),
    path(
        "contracts/<int:pk>/edit/", contracts.ContractUpdateView.as_view(), name="contract_update"
    ),
    path(
        "contracts/<int:pk>/terminate/",
        contracts.ContractTerminateView.as_view(),
        name="contract_terminate",
    ),
    # Excel import
    path("import/<slug:kind>/", imports.ImportView.as_view(), name="import"),
    path(
        "import/<slug:kind>/template/", imports.ImportTemplateView.as_view(), name="import_template"
    ),
]
