"""Checks the browser tests make on every page a phone user sees."""

PHONE_WIDTH = 360


def horizontal_overflow(page) -> int:
    """How many pixels the page is wider than the phone screen (0 when it fits)."""
    width = page.evaluate("document.documentElement.scrollWidth")
    return max(0, width - PHONE_WIDTH)


UNLABELLED_FIELDS_JS = """
() => Array.from(document.querySelectorAll('input, select, textarea'))
  .filter(el => !['hidden', 'submit', 'button', 'reset', 'image'].includes(el.type))
  .filter(el => {
    const named = Array.from(el.labels || []).some(l => l.textContent.trim() !== '');
    const aria = (el.getAttribute('aria-label') || '').trim() !== '';
    const labelledBy = (el.getAttribute('aria-labelledby') || '')
      .split(/\\s+/).filter(Boolean)
      .some(id => (document.getElementById(id)?.textContent || '').trim() !== '');
    return !(named || aria || labelledBy);
  })
  .map(el => el.outerHTML)
"""


def unlabelled_fields(page) -> list[str]:
    """The form fields on the page that a screen reader could not name."""
    return page.evaluate(UNLABELLED_FIELDS_JS)
