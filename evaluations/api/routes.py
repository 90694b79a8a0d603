"""Viewsets of the evaluations app on the shared router."""

from evaluations.api import views
from portal.api.router import router

router.register("evaluation-frameworks", views.FrameworkViewSet, basename="evaluationframework")
router.register(
    "evaluation-framework-nodes", views.FrameworkNodeViewSet, basename="evaluationframeworknode"
)
router.register("evaluation-cycles", views.CycleViewSet, basename="evaluationcycle")
router.register("evaluations", views.EvaluationViewSet, basename="evaluation")
router.register("evaluation-appeals", views.AppealViewSet, basename="evaluationappeal")
router.register("evaluation-assignments", views.AssignmentViewSet, basename="evaluationassignment")
router.register("evaluation-survey-links", views.SurveyLinkViewSet, basename="evaluationsurveylink")
router.register(
    "evaluation-survey-questions", views.SurveyQuestionViewSet, basename="evaluationsurveyquestion"
)
