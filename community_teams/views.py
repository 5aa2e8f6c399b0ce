"""The team members' pages and the sync API their phones send visits to."""

import uuid as uuid_module

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, RequestDataTooBig, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from community_teams import permissions, selectors, services
from community_teams.actions import household_actions
from community_teams.checklist import checklist_pdf
from community_teams.models import Consent, HouseholdChange, Resident, Skill
from community_teams.poster import PosterContent, poster_pdf_render
from community_teams.sync import payload_read
from lms.audit import audit_record
from lms.converters import id_parse
from lms.middleware import public_base_url
from lms.models import AuditEvent
from lms.privacy_notice import notice_version_current
from lms.text import slugify_vi

# Twenty visits of a large household are about 40 KB; this leaves room for a
# phone that was offline for a week.
MAX_SYNC_BYTES = 1024 * 1024


def _refused(message: str, status: int) -> JsonResponse:
    return JsonResponse({"status": status, "error": str(message)}, status=status)


def _read(request):
    if not request.user.is_authenticated:
        raise _Refusal(_("Sign in again to send your visits."), 401)
    declared = request.META.get("CONTENT_LENGTH") or "0"
    if not declared.isdigit() or int(declared) > MAX_SYNC_BYTES:
        raise _Refusal(
            _("Send at most %(limit)s KB at a time.")
            % {"limit": MAX_SYNC_BYTES // 1024},
            413,
        )
    try:
        return payload_read(request.body)
    except RequestDataTooBig as error:
        raise _Refusal(_("What was sent is too large."), 413) from error
    except ValidationError as error:
        raise _Refusal(" ".join(error.messages), 400) from error


class _Refusal(Exception):
    def __init__(self, message, status):
        super().__init__(message)
        self.message = message
        self.status = status


@require_POST
def sync(request):
    """Receive a batch from a member's phone: households added, then visits.

    Answered ``{"households": [...], "visits": [...]}`` with one answer per item, in
    order, each with its own ``status`` (201 accepted, 400 with ``errors`` per field,
    409 with ``error``); an item accepted before is answered as it was then.
    """
    try:
        payload = _read(request)
        answers = services.sync_batch(member=request.user, payload=payload)
    except _Refusal as refusal:
        return _refused(refusal.message, refusal.status)
    except ValidationError as error:
        return _refused(" ".join(error.messages), 400)
    return JsonResponse(answers)


def _send_one(user, list_name: str, item: dict) -> dict:
    """What the sync API answers about one item, as a form posting it would ask."""
    (answer,) = services.sync_batch(member=user, payload={list_name: [item]})[list_name]
    return answer


def _reasons(answer: dict) -> dict[str, list[str]]:
    """A refused item's messages per field (the field "" for the item as a whole)."""
    return answer.get("errors") or {"": [answer.get("error", "")]}


def _message(answer: dict) -> str:
    if answer["status"] < 400:
        # A change kept for the leader says so.
        return answer.get("message", "")
    if answer.get("error"):
        return answer["error"]
    return " ".join(m for messages_ in answer["errors"].values() for m in messages_)


def _one(request, item_uuid, kind: str, list_name: str):
    """One item at its own address: the answer's status is the response's.

    The answer also says ``ok`` and, when refused, a ``message`` in words, as the
    phone's outbox shows them (``lms/static/lms/offline.js``).
    """
    try:
        item = _read(request)
    except _Refusal as refusal:
        return _refused(refusal.message, refusal.status)
    if not isinstance(item, dict):
        return _refused(_("Send one %(kind)s as an object.") % {"kind": kind}, 400)
    if item.get("uuid", str(item_uuid)) != str(item_uuid):
        return _refused(_("The identifier in the address and in the item differ."), 400)
    item = {**item, "uuid": str(item_uuid)}
    answer = _send_one(request.user, list_name, item)
    answer = {**answer, "ok": answer["status"] < 400, "message": _message(answer)}
    return JsonResponse(answer, status=answer["status"])


@require_http_methods(["PUT", "POST"])
def visit_put(request, visit_uuid: uuid_module.UUID):
    """One visit at its own address (the phone's outbox sends each on its own)."""
    return _one(request, visit_uuid, _("visit"), "visits")


@require_http_methods(["PUT", "POST"])
def household_put(request, household_uuid: uuid_module.UUID):
    """One household added on the phone, at its own address."""
    return _one(request, household_uuid, _("household"), "households")


@require_http_methods(["PUT", "POST"])
def household_change_put(request, change_uuid: uuid_module.UUID):
    """One correction of a household made on the phone, at its own address: 201
    applied, 202 kept for the leader (made on an older version of the household)."""
    return _one(request, change_uuid, _("change"), "household_changes")


# Pages -------------------------------------------------------------------------

HOUSEHOLDS_PER_PAGE = 50
VISITS_PER_PAGE = 30


def _render(request, template, context):
    return render(
        request,
        template,
        {**context, "may_review": permissions.may_review(request.user)},
    )


def _page(request, rows, per_page):
    return Paginator(rows, per_page).get_page(request.GET.get("page"))


@login_required
def home(request):
    """The hamlets a member, leader or commune official works in."""
    hamlets = list(selectors.hamlet_list(request.user))
    reviewing = selectors.visits_to_review(request.user).count()
    return _render(
        request,
        "community_teams/home.html",
        {"hamlets": hamlets, "reviewing": reviewing},
    )


@login_required
def province(request):
    """The teams' work per commune of the official's province: counts, no names."""
    if not permissions.sees_province_figures(request.user):
        raise PermissionDenied
    return _render(
        request,
        "community_teams/province.html",
        {"communes": selectors.province_figures(request.user)},
    )


@login_required
def hamlet(request, hamlet_id: int):
    """A hamlet's figures and its household list, searchable without accents."""
    place = selectors.hamlet_get(request.user, hamlet_id)
    if place is None:
        raise Http404
    query = request.GET.get("q", "")[:100]
    not_visited = request.GET.get("not_visited") == "1"
    households = _page(
        request,
        selectors.household_list(hamlet=place, query=query, not_visited=not_visited),
        HOUSEHOLDS_PER_PAGE,
    )
    audit_record(
        actor=request.user,
        action=AuditEvent.Action.LIST,
        subject="household",
        subject_ids=[home.pk for home in households],
        commune_id=place.commune_id,
        detail=f"hamlet={place.pk} q={query}",
        request=request,
    )
    return _render(
        request,
        "community_teams/hamlet.html",
        {
            "hamlet": place,
            "summary": selectors.hamlet_summary(place),
            "households": households,
            "query": query,
            "not_visited": not_visited,
            "manages": permissions.hamlets_managed_by(request.user)
            .filter(pk=place.pk)
            .exists(),
            "in_team": _serves(request.user, place),
            "poster_teams": list(
                permissions.teams_printing_posters(request.user, place).order_by("name")
            ),
        },
    )


@login_required
def household(request, household_id: int):
    """A household: its residents and every visit, names hidden without consent."""
    home = selectors.household_get(request.user, household_id)
    if home is None:
        raise Http404
    in_team = permissions.team_for_visit(request.user, home) is not None
    audit_record(
        actor=request.user,
        action=AuditEvent.Action.VIEW,
        subject="household",
        subject_ids=[home.pk],
        commune_id=home.hamlet.commune_id,
        request=request,
    )
    return _render(
        request,
        "community_teams/household.html",
        {
            "household": home,
            "in_team": in_team,
            "manages": permissions.households_managed_by(request.user)
            .filter(pk=home.pk)
            .exists(),
            "named": permissions.residents_named_to(request.user, home),
            "actions": household_actions(request.user, home),
        },
    )


def _visit_item(request, home) -> dict:
    """The visit form's fields as the item a phone sends to the sync API."""
    attendees = []
    for resident in home.residents.all():
        if request.POST.get(f"present_{resident.pk}") != "on":
            continue
        consent = request.POST.get(f"consent_{resident.pk}")
        attendees.append(
            {
                "resident": resident.pk,
                "skills": [
                    {
                        "skill": code,
                        "by_themselves": f"{resident.pk}:{code}"
                        in request.POST.getlist("themselves"),
                    }
                    for code in request.POST.getlist(f"skills_{resident.pk}")
                ],
                "consent": {"yes": True, "no": False}.get(consent),
                "guardian": request.POST.get(f"guardian_{resident.pk}", ""),
            }
        )
    return {
        "uuid": request.POST.get("uuid", ""),
        "household": home.pk,
        "visited_on": request.POST.get("visited_on", ""),
        "note": request.POST.get("note", ""),
        "attendees": attendees,
    }


@login_required
def visit_new(request, household_id: int):
    """Record a visit: who was there, what each learnt, whether they agreed."""
    home = selectors.household_get(request.user, household_id)
    if home is None:
        raise Http404
    if permissions.team_for_visit(request.user, home) is None:
        raise PermissionDenied
    errors = {}
    if request.method == "POST":
        answer = _send_one(request.user, "visits", _visit_item(request, home))
        if answer["status"] == 201:
            messages.success(request, _("The visit was saved."))
            return redirect("team_household", household_id=home.pk)
        errors = _reasons(answer)
    residents = list(home.residents.all())
    return render(
        request,
        "community_teams/visit_form.html",
        {
            "household": home,
            "residents": residents,
            "people": people_rows(residents, request.POST, errors),
            "skills": list(Skill.objects.filter(active=True)),
            "errors": errors,
            "form_errors": errors.get("", [])
            + errors.get("household", [])
            + errors.get("attendees", []),
            "values": request.POST,
            "visit_uuid": request.POST.get("uuid") or uuid_module.uuid4(),
            "today": timezone.localdate().isoformat(),
            "privacy_version": notice_version_current(),
        },
    )


def people_rows(residents, posted, errors):
    """Each resident with what the form said about them and their errors."""
    rows = []
    index = 0
    for resident in residents:
        present = posted.get(f"present_{resident.pk}") == "on"
        row_errors = []
        if present:
            prefix = f"attendees[{index}]"
            for key, messages_ in errors.items():
                if key.startswith(prefix):
                    row_errors.extend(messages_)
            index += 1
        rows.append(
            {
                "resident": resident,
                "present": present,
                "skills": set(posted.getlist(f"skills_{resident.pk}")),
                "themselves": {
                    value.split(":", 1)[1]
                    for value in posted.getlist("themselves")
                    if value.startswith(f"{resident.pk}:")
                },
                "consent": posted.get(f"consent_{resident.pk}", ""),
                "guardian": posted.get(f"guardian_{resident.pk}", ""),
                "minor": resident.is_minor(),
                "errors": row_errors,
            }
        )
    return rows


@login_required
def my_visits(request):
    """What a member sent, and what came back needing correction."""
    visits = _page(request, selectors.visits_of_member(request.user), VISITS_PER_PAGE)
    return _render(request, "community_teams/my_visits.html", {"visits": visits})


@login_required
def review(request):
    """A leader's (or commune official's) list of visits waiting for review."""
    if not permissions.may_review(request.user):
        raise PermissionDenied
    if request.method == "POST":
        try:
            visit_id = id_parse(request.POST.get("visit", ""))
        except ValueError:
            raise Http404 from None
        visit = (
            permissions.visits_reviewable_by(request.user).filter(pk=visit_id).first()
        )
        if visit is None:
            raise Http404
        approve = request.POST.get("decision") == "approve"
        try:
            services.visit_review(
                by=request.user,
                visit=visit,
                approve=approve,
                comment=request.POST.get("comment", ""),
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("Visit approved.")
                if approve
                else _("Visit sent back to the member."),
            )
        return redirect("team_review")
    visits = _page(request, selectors.visits_to_review(request.user), VISITS_PER_PAGE)
    return _render(request, "community_teams/review.html", {"visits": visits})


def _managed_hamlet(request, hamlet_id):
    place = (
        permissions.hamlets_managed_by(request.user)
        .select_related("commune")
        .filter(pk=hamlet_id)
        .first()
    )
    if place is None:
        if selectors.hamlet_get(request.user, hamlet_id) is not None:
            raise PermissionDenied
        raise Http404
    return place


def _posted_households(request, place, name) -> list:
    try:
        ids = [id_parse(value) for value in request.POST.getlist(name)]
    except ValueError:
        raise Http404 from None
    found = list(
        permissions.households_managed_by(request.user).filter(hamlet=place, pk__in=ids)
    )
    if len(found) != len(set(ids)):
        raise Http404
    return found


@login_required
def hamlet_checks(request, hamlet_id: int):
    """What a leader settles: possible duplicates and changes made on old versions."""
    place = _managed_hamlet(request, hamlet_id)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "merge":
                keep = _posted_households(request, place, "keep")
                group = _posted_households(request, place, "group")
                if len(keep) != 1 or keep[0] not in group:
                    raise ValidationError(_("Choose the household to keep."))
                for other in group:
                    if other.pk != keep[0].pk:
                        services.household_merge(
                            by=request.user, keep=keep[0], other=other
                        )
                messages.success(request, _("The households were merged."))
            elif action == "distinct":
                services.households_not_duplicates(
                    by=request.user,
                    households=_posted_households(request, place, "group"),
                )
                messages.success(request, _("Marked as different households."))
            elif action in ("take", "discard"):
                try:
                    change_id = id_parse(request.POST.get("change", ""))
                except ValueError:
                    raise Http404 from None
                change = get_object_or_404(
                    HouseholdChange, pk=change_id, household__hamlet=place
                )
                services.household_change_resolve(
                    by=request.user, change=change, take=action == "take"
                )
                messages.success(request, _("The conflict was resolved."))
            else:
                raise Http404
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect("team_hamlet_checks", hamlet_id=place.pk)
    groups = selectors.household_duplicates(place)
    conflicts = list(selectors.household_conflicts(place))
    audit_record(
        actor=request.user,
        action=AuditEvent.Action.LIST,
        subject="household",
        subject_ids=[home.pk for group in groups for home in group]
        + [change.household_id for change in conflicts],
        commune_id=place.commune_id,
        detail="checks",
        request=request,
    )
    return _render(
        request,
        "community_teams/hamlet_checks.html",
        {"hamlet": place, "groups": groups, "conflicts": conflicts},
    )


@login_required
def resident_erase(request, resident_id: int):
    """Erase a resident's data at their request, after a confirmation."""
    resident = get_object_or_404(
        Resident.objects.select_related("household__hamlet"),
        pk=resident_id,
        household__in=permissions.households_visible_to(request.user),
    )
    if (
        not permissions.households_managed_by(request.user)
        .filter(pk=resident.household_id)
        .exists()
    ):
        raise PermissionDenied
    if request.method == "POST":
        services.resident_erase(by=request.user, resident=resident)
        messages.success(request, _("The resident's data was erased."))
        return redirect("team_household", household_id=resident.household_id)
    return _render(
        request, "community_teams/resident_erase.html", {"resident": resident}
    )


NEW_HOUSEHOLD_ROWS = 8


def _household_item(request, place) -> dict:
    residents = []
    for row in range(NEW_HOUSEHOLD_ROWS):
        name = request.POST.get(f"name_{row}", "").strip()
        if not name:
            continue
        year = request.POST.get(f"year_{row}", "").strip()
        residents.append(
            {
                "uuid": request.POST.get(f"uuid_{row}", ""),
                "full_name": name,
                "birth_year": int(year) if year.isdigit() and len(year) == 4 else year,
                "sex": request.POST.get(f"sex_{row}", ""),
            }
        )
    return {
        "uuid": request.POST.get("uuid", ""),
        "hamlet": place.pk,
        "head_name": request.POST.get("head_name", ""),
        "house_number": request.POST.get("house_number", ""),
        "phone": request.POST.get("phone", ""),
        "residents": residents,
    }


@login_required
def household_new(request, hamlet_id: int):
    """Add a household missing from the roster, with its residents."""
    place = selectors.hamlet_get(request.user, hamlet_id)
    if place is None:
        raise Http404
    errors = {}
    if request.method == "POST":
        answer = _send_one(request.user, "households", _household_item(request, place))
        if answer["status"] == 201:
            messages.success(request, _("The household was added."))
            return redirect("team_household", household_id=answer["household"])
        errors = _reasons(answer)
    return _render(
        request,
        "community_teams/household_form.html",
        {
            "hamlet": place,
            "errors": errors,
            "values": request.POST,
            "household_uuid": request.POST.get("uuid") or uuid_module.uuid4(),
            "rows": [
                {
                    "index": row,
                    "uuid": request.POST.get(f"uuid_{row}") or uuid_module.uuid4(),
                    "name": request.POST.get(f"name_{row}", ""),
                    "year": request.POST.get(f"year_{row}", ""),
                    "sex": request.POST.get(f"sex_{row}", ""),
                }
                for row in range(NEW_HOUSEHOLD_ROWS)
            ],
            "sexes": Resident.Sex.choices,
        },
    )


# Sign-up posters ---------------------------------------------------------------


@login_required
@require_GET
def poster(request, team_id: int, hamlet_id: int):
    """A team's sign-up poster for one hamlet it serves, as an A4 PDF."""
    place = selectors.hamlet_get(request.user, hamlet_id)
    team = (
        permissions.teams_printing_posters(request.user, place)
        .filter(pk=team_id)
        .first()
        if place is not None
        else None
    )
    if team is None:
        raise Http404
    token = services.referral_token(team=team, hamlet=place)
    pdf = poster_pdf_render(
        data=PosterContent(
            team_name=team.name,
            hamlet_name=place.name,
            commune_name=place.commune.full_name,
            signup_url=public_base_url() + reverse("team_join", args=[token]),
        )
    )
    return HttpResponse(
        pdf,
        content_type="application/pdf",
        headers={
            "Content-Disposition": (
                f'inline; filename="{slugify_vi(f"poster {team.name}")}.pdf"'
            )
        },
    )


PAPER_HOUSEHOLDS_PER_PAGE = 15


def _team_hamlet(request, hamlet_id):
    """A hamlet the viewer's team serves (members and leaders record visits)."""
    place = selectors.hamlet_get(request.user, hamlet_id)
    if place is None:
        raise Http404
    if not _serves(request.user, place):
        raise PermissionDenied
    return place


def _serves(user, place) -> bool:
    return permissions.team_serving(permissions.teams_of(user), place) is not None


@login_required
def checklist(request, hamlet_id: int):
    """The hamlet's paper checklist, as a PDF to print."""
    place = _team_hamlet(request, hamlet_id)
    households = list(selectors.checklist_households(place))
    audit_record(
        actor=request.user,
        action=AuditEvent.Action.EXPORT,
        subject="household",
        subject_ids=[home.pk for home in households],
        commune_id=place.commune_id,
        detail="checklist pdf",
        request=request,
    )
    pdf = checklist_pdf(
        hamlet=place,
        households=households,
        skills=list(Skill.objects.filter(active=True)),
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = f"danh-sach-{slugify_vi(place.name)}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _paper_items(request, page_households, skills) -> list[dict]:
    """One visit per household with a tick, as the sync API takes them."""
    ticked = set(request.POST.getlist("tick"))
    themselves = set(request.POST.getlist("themselves"))
    agreed = set(request.POST.getlist("agreed"))
    items = []
    for home in page_households:
        attendees = []
        for resident in home.residents.all():
            codes = [s.code for s in skills if f"{resident.pk}:{s.code}" in ticked]
            if not codes:
                continue
            attendees.append(
                {
                    "resident": resident.pk,
                    "skills": [
                        {"skill": code, "by_themselves": str(resident.pk) in themselves}
                        for code in codes
                    ],
                    "consent": str(resident.pk) in agreed,
                    "guardian": request.POST.get(f"guardian_{resident.pk}", ""),
                }
            )
        if attendees:
            items.append(
                {
                    "uuid": request.POST.get(f"uuid_{home.pk}", ""),
                    "household": home.pk,
                    "visited_on": request.POST.get("visited_on", ""),
                    "consent_method": Consent.Method.PAPER,
                    "attendees": attendees,
                }
            )
    return items


@login_required
def paper_entry(request, hamlet_id: int):
    """The ticks of a paper checklist, entered back page by page."""
    place = _team_hamlet(request, hamlet_id)
    skills = list(Skill.objects.filter(active=True))
    households = _page(
        request, selectors.checklist_households(place), PAPER_HOUSEHOLDS_PER_PAGE
    )
    errors = []
    if request.method == "POST":
        items = _paper_items(request, households, skills)
        answers = (
            services.sync_batch(member=request.user, payload={"visits": items})[
                "visits"
            ]
            if items
            else []
        )
        saved = sum(1 for answer in answers if answer["status"] == 201)
        for item, answer in zip(items, answers, strict=True):
            if answer["status"] != 201:
                home = next(h for h in households if h.pk == item["household"])
                reasons = _reasons(answer)
                errors.append(
                    (home, [m for messages_ in reasons.values() for m in messages_])
                )
        if not errors:
            messages.success(
                request,
                _("%(count)d visits were saved from the paper list.")
                % {"count": saved},
            )
            target = reverse("team_paper_entry", args=[place.pk])
            if households.has_next():
                target += f"?page={households.next_page_number()}"
            return redirect(target)
    audit_record(
        actor=request.user,
        action=AuditEvent.Action.LIST,
        subject="household",
        subject_ids=[home.pk for home in households],
        commune_id=place.commune_id,
        detail="paper entry",
        request=request,
    )
    first_number = households.start_index()
    return _render(
        request,
        "community_teams/paper_entry.html",
        {
            "hamlet": place,
            "skills": skills,
            "households": households,
            "rows": [
                (
                    first_number + offset,
                    home,
                    request.POST.get(f"uuid_{home.pk}") or uuid_module.uuid4(),
                )
                for offset, home in enumerate(households)
            ],
            "errors": errors,
            "today": timezone.localdate().isoformat(),
            "values": request.POST,
            "ticked": set(request.POST.getlist("tick")),
        },
    )


@login_required
def roster(request, hamlet_id: int):
    """The hamlet's households and residents as JSON, for the phone to keep.

    Only what a visit needs: house number, head's name, residents' names, birth
    years, and whether a resident is a minor. Reading it is an export, audited.
    """
    place = _team_hamlet(request, hamlet_id)
    households = list(selectors.checklist_households(place))
    audit_record(
        actor=request.user,
        action=AuditEvent.Action.EXPORT,
        subject="household",
        subject_ids=[home.pk for home in households],
        commune_id=place.commune_id,
        detail="roster for the phone",
        request=request,
    )
    response = JsonResponse(
        {
            "hamlet": {"id": place.pk, "name": place.name},
            "households": [
                {
                    "id": home.pk,
                    "uuid": str(home.client_uuid or ""),
                    # A correction made on the phone names the version it saw.
                    "version": home.version,
                    "house_number": home.house_number,
                    "head_name": home.head_name,
                    "key": home.search_key,
                    "residents": [
                        {
                            "id": resident.pk,
                            "name": resident.full_name,
                            "birth_year": resident.birth_year,
                            "minor": resident.is_minor(),
                        }
                        for resident in home.residents.all()
                        if resident.erased_at is None
                    ],
                }
                for home in households
            ],
        }
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def phone(request, hamlet_id: int):
    """The team's work on a phone, with or without signal: find a household without
    accents, record a visit, add a missing household, see what waits to be sent.
    The page draws itself from the roster the phone keeps (``phone.js``)."""
    place = _team_hamlet(request, hamlet_id)
    return _render(
        request,
        "community_teams/phone.html",
        {
            "hamlet": place,
            "skills_data": [
                {"code": skill.code, "name": skill.name}
                for skill in Skill.objects.filter(active=True)
            ],
            "today": timezone.localdate().isoformat(),
            "privacy_version": notice_version_current(),
        },
    )


@login_required
def phone_offline(request, hamlet_id: int):
    """What the phone keeps of a hamlet: the phone page and the roster."""
    place = _team_hamlet(request, hamlet_id)
    phone_url = reverse("team_phone", args=[place.pk])
    return JsonResponse(
        {
            "course": {"title": place.name, "url": phone_url, "lessons": []},
            "pages": [phone_url, reverse("team_roster", args=[place.pk])],
            "videos": [],
        }
    )


@require_GET
def join(request, token: str):
    """Where a poster's QR code leads: remember the team, then sign up."""
    referral = services.referral_read(token)
    if referral is None:
        messages.warning(
            request,
            _("This poster's link could not be read, but you can still sign up here."),
        )
    else:
        request.session[services.REFERRAL_SESSION_KEY] = list(referral)
    return redirect("account_signup")
