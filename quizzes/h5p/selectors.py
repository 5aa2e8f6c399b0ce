"""Reading H5P packages."""

from django.db.models import Prefetch, QuerySet

from .models import H5PPackage, H5PPackageLibrary


def h5p_package_list() -> QuerySet[H5PPackage]:
    """Packages, newest first, with what a listing shows."""
    return H5PPackage.objects.select_related("main_library", "uploaded_by")


def h5p_package_get(*, pk: int) -> H5PPackage:
    """One package with its libraries in loading order, ready for a player.

    ``package.ordered_libraries()`` and ``package.storage_name()`` then run no
    further queries. Raises ``H5PPackage.DoesNotExist``.
    """
    return (
        h5p_package_list()
        .prefetch_related(
            Prefetch(
                "library_links",
                queryset=H5PPackageLibrary.objects.select_related("library").order_by(
                    "position"
                ),
            )
        )
        .get(pk=pk)
    )
