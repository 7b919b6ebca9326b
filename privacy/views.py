import secrets

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from privacy.cookies import (
    CONSENT_COOKIE_MAX_AGE,
    CONSENT_COOKIE_NAME,
    COOKIES,
    MARKETING,
    STATISTICS,
    CookieChoice,
    gpc_signal,
    optional_cookie_names,
)
from privacy.forms import AcceptForm
from privacy.models import LegalDocument
from privacy.pseudonyms import request_ip
from privacy.selectors import (
    consent_pending_documents,
    consent_records_for,
    cookie_policy_version,
    legal_document_current,
    legal_document_versions,
)
from privacy.services import consent_record, cookie_choice_record


def _document_page(request, kind, version=None, language=None, extra=None):
    if version is None:
        document = legal_document_current(kind=kind)
    else:
        candidates = {
            d.language: d for d in legal_document_versions(kind=kind) if d.version == version
        }
        document = (
            candidates.get(language or "")
            or candidates.get((request.LANGUAGE_CODE or "de")[:2])
            or candidates.get("de")
        )
    if document is None:
        raise Http404
    context = {
        "document": document,
        "versions": legal_document_versions(kind=kind),
        "url_name": f"privacy:{kind}_version" if kind != "privacy" else "privacy:policy_version",
        **(extra or {}),
    }
    return render(request, "privacy/document.html", context)


def policy(request, version=None, language=None):
    return _document_page(request, LegalDocument.Kind.PRIVACY, version, language)


def terms(request, version=None, language=None):
    return _document_page(request, LegalDocument.Kind.TERMS, version, language)


def cookies(request, version=None, language=None):
    return _document_page(
        request, LegalDocument.Kind.COOKIES, version, language, {"cookies": COOKIES}
    )


def _safe_next(request, fallback="home"):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return fallback


@login_required
def accept(request):
    """New terms/privacy versions: accept to continue booking and practice pages."""
    documents = consent_pending_documents(user=request.user)
    if not documents:
        return redirect(_safe_next(request))
    form = AcceptForm(request.POST or None, documents=documents)
    if request.method == "POST" and form.is_valid():
        consent_record(
            user=request.user,
            decisions={d.kind: True for d in documents},
            documents={d.kind: d for d in documents},
            source="reaccept",
            ip=request_ip(request),
        )
        return redirect(_safe_next(request))
    return render(
        request,
        "privacy/accept.html",
        {"form": form, "documents": documents, "next": _safe_next(request, "")},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def consents(request):
    return render(
        request,
        "privacy/consents.html",
        {"records": consent_records_for(user=request.user), "title": _("Your consents")},
    )


@require_POST
def cookie_consent(request):
    """The banner's form (works without JavaScript): store the choice, log it, go back."""
    choice = request.POST.get("choice")
    if choice not in {"accept_all", "reject_all", "save"}:
        return HttpResponseBadRequest(_("Unknown choice."))
    statistics = choice == "accept_all" or (choice == "save" and "statistics" in request.POST)
    marketing = choice == "accept_all" or (choice == "save" and "marketing" in request.POST)
    if gpc_signal(request):
        # Global Privacy Control is an objection to marketing, whatever was clicked.
        marketing = False
    previous = request.cookie_choice
    new = CookieChoice(
        decided=True,
        statistics=statistics,
        marketing=marketing,
        version=cookie_policy_version(),
        token=previous.token or secrets.token_hex(16),
    )
    user = request.user if request.user.is_authenticated else None
    cookie_choice_record(
        statistics=statistics,
        marketing=marketing,
        token=new.token,
        user=user,
        ip=request_ip(request),
    )
    response = redirect(_safe_next(request, fallback=reverse("privacy:cookies")))
    response.set_cookie(
        CONSENT_COOKIE_NAME,
        new.to_cookie(),
        max_age=CONSENT_COOKIE_MAX_AGE,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
    )
    # Withdrawal is as easy as consent: the Google cookies go with it.
    for category, granted in [(STATISTICS, statistics), (MARKETING, marketing)]:
        if not granted:
            for name in optional_cookie_names(request, category):
                response.delete_cookie(name)
    messages.success(request, _("Your cookie settings have been saved."))
    return response
