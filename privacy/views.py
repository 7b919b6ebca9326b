from allauth.account.decorators import reauthentication_required
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from privacy.cookies import (
    CONSENT_COOKIE_MAX_AGE,
    CONSENT_COOKIE_NAME,
    COOKIES,
    MARKETING,
    STATISTICS,
    cookie_choice_decide,
    gpc_signal,
    optional_cookie_names,
)
from privacy.forms import AcceptForm, DeleteAccountForm, SupportForm
from privacy.links import export_download_path
from privacy.models import DataExport, LegalDocument
from privacy.pseudonyms import request_ip
from privacy.selectors import (
    consent_pending_documents,
    consent_records_for,
    cookie_policy_version,
    data_exports_for,
    legal_document_current,
    legal_document_versions,
    processors_active,
)
from privacy.services import (
    account_erasure_request,
    consent_record,
    cookie_choice_record,
    data_export_download,
    data_export_request,
    support_request_submit,
)


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
    if document is None and not (extra and version is None):
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
    # Only a path on this site: redirect() would take anything else ("25") for a view name.
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, request.is_secure()
    ):
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
@require_GET
def consents(request):
    """Every consent record about the person. The optional e-mail consents are changed where
    the other e-mail choices are (the notification settings), which log each change here."""
    records = consent_records_for(user=request.user)
    return render(
        request,
        "privacy/consents.html",
        {
            "records": records,
            "in_force": [r for r in records if r.in_force],
            "title": _("Your consents"),
        },
    )


def processors(request):
    language = (request.LANGUAGE_CODE or "de")[:2]
    rows = [(p, *p.localized(language)) for p in processors_active()]
    return render(request, "privacy/processors.html", {"rows": rows})


@require_POST
def cookie_consent(request):
    """The banner's form (works without JavaScript): store the choice, log it, go back."""
    new = cookie_choice_decide(
        choice=request.POST.get("choice", ""),
        chosen=request.POST,
        gpc=gpc_signal(request),
        previous=request.cookie_choice,
        version=cookie_policy_version(),
    )
    if new is None:
        return HttpResponseBadRequest(_("Unknown choice."))
    user = request.user if request.user.is_authenticated else None
    cookie_choice_record(
        statistics=new.statistics,
        marketing=new.marketing,
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
    for category, granted in [(STATISTICS, new.statistics), (MARKETING, new.marketing)]:
        if not granted:
            for name in optional_cookie_names(request, category):
                response.delete_cookie(name)
    messages.success(request, _("Your cookie settings have been saved."))
    return response


# --- Export and erasure ---------------------------------------------------------------------
@login_required
@reauthentication_required
def export(request):
    """Request a copy of one's data; list earlier exports with their download links."""
    if request.method == "POST":
        with transaction.atomic(durable=True):
            data_export_request(user=request.user)
        messages.success(
            request, _("We are preparing your data. You will get an e-mail when it is ready.")
        )
        return redirect("privacy:export")
    exports = [
        (item, export_download_path(item) if item.state == DataExport.State.READY else "")
        for item in data_exports_for(user=request.user)
    ]
    return render(request, "privacy/export.html", {"exports": exports})


@login_required
def export_download(request, token):
    """Only the owner, only while the link is valid; everyone else gets 404."""
    found = data_export_download(token=token, user=request.user)
    if found is None:
        raise Http404
    item, file = found
    return FileResponse(
        file,
        as_attachment=True,
        filename=f"sofadoc-data-{item.created_at:%Y-%m-%d}.zip",
        content_type="application/zip",
    )


@login_required
@reauthentication_required
def delete_account(request):
    form = DeleteAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic(durable=True):
            account_erasure_request(user=request.user)
        logout(request)
        return render(request, "privacy/deleted.html")
    return render(
        request,
        "privacy/delete.html",
        {"form": form, "is_coach": hasattr(request.user, "practice")},
        status=400 if request.method == "POST" else 200,
    )


def support(request):
    """The help form for technical questions (coaching questions go to the coach)."""
    user = request.user if request.user.is_authenticated else None
    initial = {"name": user.display_name, "email": user.email} if user else {}
    form = SupportForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic(durable=True):
            support_request_submit(user=user, **form.cleaned_data)
        messages.success(request, _("Thank you. We will answer by e-mail."))
        return redirect("privacy:support")
    return render(
        request,
        "privacy/support.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )
