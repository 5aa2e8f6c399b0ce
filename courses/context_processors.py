from courses.selectors import catalogue_url


def catalogue(request) -> dict:
    """``catalogue_url`` for the site's header, so it links there directly."""
    return {"catalogue_url": catalogue_url}
