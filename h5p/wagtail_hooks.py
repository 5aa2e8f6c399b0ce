from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet

from .models import H5PPackage, XAPIStatement
from .permissions import H5PPackagePermissionPolicy, statements_policy
from .viewsets import H5PViewSetGroup

# Registered before the viewsets ask for a policy, or Wagtail falls back to the
# default one.
register_permission_policy(H5PPackage, H5PPackagePermissionPolicy())
register_permission_policy(XAPIStatement, statements_policy)

# Through the snippets registry, because activities are snippets: lessons choose
# them with a SnippetChooserBlock.
register_snippet(H5PViewSetGroup)
