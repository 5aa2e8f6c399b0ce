"""Assessment blocks placed in lessons."""

ASSESSMENT_BLOCKS: list = []
