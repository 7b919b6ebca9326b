from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from coaching.notifications import inbox, links, news, sms_codes
from coaching.notifications import preferences as choices
from coaching.notifications.forms import PreferencesForm, SmsCodeForm
from coaching.notifications.selectors import inbox_for
from privacy.pseudonyms import request_ip
from sofadoc.http import AuthenticatedHttpRequest

# A transparent 1x1 GIF, served only to people who consented to open tracking.
PIXEL = bytes.fromhex(
    "47494638396101000100800000000000ffffff21f90401000000002c00000000010001000002024401003b"
)


@login_required
def message_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    page = Paginator(inbox_for(user=request.user), 20).get_page(request.GET.get("page"))
    return render(request, "notifications/message_list.html", {"page": page})


@login_required
def message_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    # Others' messages are a 404, as if they did not exist.
    message = get_object_or_404(inbox_for(user=request.user), pk=pk)
    inbox.notification_mark_read(notification=message, actor=request.user)
    return render(request, "notifications/message_detail.html", {"message": message})


@login_required
@require_POST
def message_read(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    message = get_object_or_404(inbox_for(user=request.user), pk=pk)
    inbox.notification_mark_read(notification=message, actor=request.user)
    return redirect("notifications:list")


@login_required
@require_POST
def messages_read_all(request: AuthenticatedHttpRequest) -> HttpResponse:
    inbox.notifications_mark_all_read(actor=request.user)
    return redirect("notifications:list")


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: AuthenticatedHttpRequest) -> HttpResponse:
    prefs = choices.preferences_for(request.user)
    form = PreferencesForm(request.POST or None, instance=prefs)
    if request.method == "POST" and form.is_valid():
        choices.preferences_update(user=request.user, ip=request_ip(request), **form.cleaned_data)
        messages.success(request, _("Your notification settings have been saved."))
        return redirect("notifications:preferences")
    context = {
        "form": form,
        "prefs": prefs,
        "code_form": SmsCodeForm(),
        "news_token": links.news_token(request.user),
        "push_devices": list(request.user.push_subscriptions.all()),
        "push_public_key": settings.WEBPUSH_VAPID_PUBLIC_KEY,
    }
    return render(request, "notifications/preferences.html", context)


@login_required
@require_POST
def sms_code_send(request: AuthenticatedHttpRequest) -> HttpResponse:
    try:
        sms_codes.sms_code_send(user=request.user)
    except sms_codes.SmsCodeError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("We sent a code to your mobile number."))
    return redirect("notifications:preferences")


@login_required
@require_POST
def sms_code_confirm(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = SmsCodeForm(request.POST)
    if not form.is_valid():
        messages.error(request, str(form.errors["code"][0]))
        return redirect("notifications:preferences")
    try:
        sms_codes.sms_code_confirm(user=request.user, code=form.cleaned_data["code"])
    except sms_codes.SmsCodeError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Your mobile number is confirmed. You can now choose SMS."))
    return redirect("notifications:preferences")


@login_required
@require_POST
def news_subscribe(request: AuthenticatedHttpRequest) -> HttpResponse:
    if news.news_request(user=request.user):
        messages.success(request, _("Please confirm with the link we just sent you by e-mail."))
    return redirect("notifications:preferences")


@never_cache
@require_http_methods(["GET", "POST"])
def news_confirm(request: HttpRequest, token: str) -> HttpResponse:
    # GET only shows a button: link scanners in mail filters must not subscribe anyone.
    user = links.news_user_for(token, confirm=True)
    if user is None:
        raise Http404
    if request.method == "POST":
        if not news.news_confirm(user=user, ip=request_ip(request)):
            # Unsubscribed since this link was sent: it no longer counts.
            return render(request, "notifications/news_done.html", {"stale": True}, status=410)
        return render(request, "notifications/news_done.html", {"subscribed": True})
    return render(request, "notifications/news_confirm.html", {"token": token})


@csrf_exempt  # RFC 8058 one-click: the mail client POSTs without our cookie or token
@never_cache
@require_http_methods(["GET", "POST"])
def news_unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    user = links.news_user_for(token)
    if user is None:
        raise Http404
    if request.method == "POST":
        news.news_unsubscribe(user=user, ip=request_ip(request))
        return render(request, "notifications/news_done.html", {"subscribed": False})
    return render(request, "notifications/news_unsubscribe.html", {"token": token})


@never_cache
def opened(request: HttpRequest, token: str) -> HttpResponse:
    links.notification_mark_opened(token=token)
    return HttpResponse(PIXEL, content_type="image/gif")
