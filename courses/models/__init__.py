from .learning import Enrollment, LessonProgress, OutboxReceipt
from .pages import (
    Audience,
    CourseIndexPage,
    CoursePage,
    HomePage,
    LessonPage,
    Topic,
    VietnameseSlugMixin,
)

__all__ = [
    "Audience",
    "CourseIndexPage",
    "CoursePage",
    "Enrollment",
    "HomePage",
    "LessonPage",
    "LessonProgress",
    "OutboxReceipt",
    "Topic",
    "VietnameseSlugMixin",
]
