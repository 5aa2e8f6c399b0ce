"""Who may do what with H5P packages."""

from wagtail.permission_policies import ModelPermissionPolicy

from .models import H5PPackage

UPLOAD_PERMISSION = "h5p.upload_h5ppackage"


class H5PPackagePermissionPolicy(ModelPermissionPolicy):
    """The Wagtail admin's view of :class:`H5PPackage` permissions.

    Adding a package means uploading one, so "add" is the custom
    ``upload_h5ppackage`` permission; "view" lets an editor list and inspect
    packages. Nobody, not even a superuser, changes or deletes a package in the
    admin: a package's files are shared with other packages and, once used in a
    quiz, its attempts refer to it.
    """

    _never = frozenset({"change", "delete"})

    def __init__(self) -> None:
        super().__init__(H5PPackage)

    def _get_permission_codename(self, action: str) -> str:
        if action == "add":
            return UPLOAD_PERMISSION.split(".", 1)[1]
        return super()._get_permission_codename(action)

    def user_has_permission(self, user, action: str) -> bool:
        return action not in self._never and super().user_has_permission(user, action)

    def users_with_any_permission(self, actions):
        return super().users_with_any_permission(
            [action for action in actions if action not in self._never]
        )
