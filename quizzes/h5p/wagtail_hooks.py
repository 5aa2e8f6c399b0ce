from wagtail import hooks
from wagtail.permissions import register_permission_policy

from .models import H5PPackage
from .permissions import H5PPackagePermissionPolicy
from .views import H5PPackageViewSet

# Registered before the viewset asks for a policy, or Wagtail falls back to the
# default one.
register_permission_policy(H5PPackage, H5PPackagePermissionPolicy())


@hooks.register("register_admin_viewset")
def register_h5p_viewset():
    return H5PPackageViewSet("h5p_packages", url_prefix="h5p")
