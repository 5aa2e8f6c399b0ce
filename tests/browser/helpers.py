"""Checks the browser tests make on every page a phone user sees."""

import time

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


TAP_TARGET_PX = 44

# Buttons, form controls and links a person taps; links inside running text (a
# lesson's body, a page's introduction) are read, not tapped, and are left out. A
# checkbox or radio button is tapped through its label, so the label is measured.
SMALL_TAP_TARGETS_JS = """
(minimum) => {
  const running = '.lesson-body, .intro';
  const targets = Array.from(document.querySelectorAll(
    'a[href], button, select, textarea, input:not([type=hidden])'
  )).filter(el => !el.closest(running));
  const small = [];
  for (const el of targets) {
    let box = el.getBoundingClientRect();
    if ((el.type === 'checkbox' || el.type === 'radio') && el.labels && el.labels[0]) {
      box = el.labels[0].getBoundingClientRect();
    }
    const style = getComputedStyle(el);
    const shown = box.width > 0 && box.height > 0 && box.right > 0
      && style.visibility !== 'hidden';
    if (shown && (box.width < minimum - 0.5 || box.height < minimum - 0.5)) {
      const text = (el.textContent || el.value || el.name || '').trim().slice(0, 40);
      const size = `${Math.round(box.width)}x${Math.round(box.height)}`;
      small.push(`${el.tagName.toLowerCase()} "${text}" ${size}`);
    }
  }
  return small;
}
"""


def small_tap_targets(page) -> list[str]:
    """The buttons, form controls and links smaller than 44×44 px on the page."""
    return page.evaluate(SMALL_TAP_TARGETS_JS, TAP_TARGET_PX)


def wait_for(page, expression: str, arg=None, *, timeout: float = 15) -> None:
    """Wait until ``expression`` (a JavaScript function of ``arg``, or an expression)
    is true in the page.

    Playwright's ``wait_for_function`` builds its predicate with ``eval`` inside
    the page, which the site's Content-Security-Policy forbids; ``evaluate``
    runs through the browser's debugging protocol, which the policy leaves alone.
    """
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression, arg):
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {timeout} s: {expression}")
        page.wait_for_timeout(100)


def h5p_choose(frame, text: str, *, before_each=None) -> None:
    """Tap an H5P multiple-choice answer until it shows as chosen.

    Just after the player starts (or while a frame above still grows) a tap can
    land before the answer is ready or beside it; a person would tap again.
    """
    tap_until_checked(frame.locator(".h5p-answer", has_text=text), before_each)


def tap_until_checked(answer, before_each=None) -> None:
    """Tap an H5P answer (any with ``aria-checked``) until it shows as chosen."""
    from playwright.sync_api import expect

    for _attempt in range(3):
        if before_each is not None:
            before_each()
        answer.click()
        if answer.get_attribute("aria-checked") == "true":
            break
        time.sleep(0.5)
    expect(answer).to_have_attribute("aria-checked", "true")


FRAME_HEIGHTS = (
    "Array.from(document.querySelectorAll('iframe[data-h5p-frame]'))"
    ".map(frame => frame.getBoundingClientRect().top + ':' + frame.style.height)"
    ".join()"
)


def settle(page) -> None:
    """Wait until no frame moves: a frame above another grows as its content
    answers, and a tap aimed while the page shifts lands elsewhere."""
    before = page.evaluate(FRAME_HEIGHTS)
    for _check in range(40):
        page.wait_for_timeout(400)
        now = page.evaluate(FRAME_HEIGHTS)
        if now == before:
            return
        before = now


def h5p_check(frame) -> None:
    """Press "Check" until the player takes it (the button gives way to the
    result). A press while the player still settles can be lost; a person would
    press again."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
    from playwright.sync_api import expect

    check = frame.get_by_role("button", name="Check")
    for _attempt in range(3):
        if not check.is_visible():
            return
        try:
            check.click(timeout=2_000)
        except PlaywrightTimeoutError:
            continue
        for _tick in range(20):
            if not check.is_visible():
                return
            time.sleep(0.1)
    expect(check).to_be_hidden()


def _press_until(button, reached) -> None:
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

    button.click()
    for _attempt in range(3):
        for _tick in range(20):
            if reached():
                return
            time.sleep(0.1)
        try:
            button.click(timeout=2_000)
        except PlaywrightTimeoutError:
            pass


def press_until_shown(button, shown) -> None:
    """Press ``button`` until ``shown`` appears: a press while an H5P player
    still settles can be lost, and a person would press again."""
    from playwright.sync_api import expect

    _press_until(button, lambda: shown.first.is_visible())
    expect(shown.first).to_be_visible()


def press_until_hidden(button, gone) -> None:
    """Press ``button`` until ``gone`` is no longer shown (a question set's
    "Next" slides its question away; a press lost while it settles is pressed
    again, and a button gone with its question is not)."""
    from playwright.sync_api import expect

    _press_until(button, lambda: not gone.is_visible())
    expect(gone).to_be_hidden()


def h5p_retry(frame) -> None:
    """Press "Retry" until the answers can be chosen again. A press while the
    player is still showing the result of "Check" can be lost; a person would
    press again."""
    from playwright.sync_api import expect

    answer = frame.locator(".h5p-answer").first
    retry = frame.get_by_role("button", name="Retry")
    for _attempt in range(3):
        if retry.is_visible():
            retry.click()
        for _tick in range(20):
            if answer.get_attribute("aria-disabled") != "true":
                return
            time.sleep(0.1)
    expect(answer).not_to_have_attribute("aria-disabled", "true")


def h5p_answer_set(frame, answers: list[str], *, before_each=None) -> None:
    """Answer an H5P single-choice set question by question, tapping each answer
    again until the player marks it chosen, then waiting for the next question.
    """
    import re

    from playwright.sync_api import expect

    for index, text in enumerate(answers):
        slide = frame.locator(".h5p-sc-slide.h5p-sc").nth(index)
        expect(slide).to_have_class(re.compile(r"h5p-sc-current-slide"))
        answer = slide.locator(".h5p-sc-alternative", has_text=text)
        for _attempt in range(3):
            if before_each is not None:
                before_each()
            answer.click()
            if "h5p-sc-selected" in (answer.get_attribute("class") or ""):
                break
            time.sleep(0.5)
        expect(answer).to_have_class(re.compile(r"h5p-sc-selected"))
        expect(slide).not_to_have_class(
            re.compile(r"h5p-sc-current-slide"), timeout=10_000
        )
