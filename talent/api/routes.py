"""Viewsets of the talent app on the shared router."""

from portal.api.router import router
from talent.api import viewsets as v

router.register("talent/workers", v.SocialWorkerViewSet, basename="talent-worker")
router.register("talent/employments", v.EmploymentViewSet, basename="talent-employment")
router.register("talent/certificates", v.CertificateViewSet, basename="talent-certificate")
router.register("talent/registrations", v.RegistrationViewSet, basename="talent-registration")
router.register("talent/ce-records", v.CERecordViewSet, basename="talent-cerecord")
router.register("talent/programmes", v.ProgrammeViewSet, basename="talent-programme")
router.register("talent/sessions", v.SessionViewSet, basename="talent-session")
router.register("talent/enrolments", v.EnrolmentViewSet, basename="talent-enrolment")
router.register("talent/honours", v.HonourViewSet, basename="talent-honour")
router.register("talent/staffing-board", v.StaffingBoardViewSet, basename="talent-board")
