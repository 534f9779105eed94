from rest_framework.routers import DefaultRouter

from .views import AccountViewSet

router = DefaultRouter(trailing_slash=False)
router.register("accounts", AccountViewSet, basename="api-account")

urlpatterns = router.urls
