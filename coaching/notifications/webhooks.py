"""Twilio's SMS callbacks: delivery status for what we sent, and replies such as STOP."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from coaching.notifications import sms, sms_status

# Twilio's own keywords (English) plus the German ones people actually type.
STOP_WORDS = frozenset(
    {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "STOPP", "ABMELDEN"}
)
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


@csrf_exempt
@require_POST
def twilio_sms(request: HttpRequest) -> HttpResponse:
    # The signature covers the public URL, not the internal host behind the proxy.
    url = settings.SITE_URL + reverse("notifications:twilio_sms")
    signature = request.headers.get("X-Twilio-Signature", "")
    if not sms.signature_is_valid(url=url, params=request.POST.dict(), signature=signature):
        return HttpResponseForbidden("invalid signature")
    data = request.POST
    if "Body" in data:  # an incoming reply
        word = data.get("Body", "").strip().upper()
        if word in STOP_WORDS or data.get("OptOutType", "").upper() == "STOP":
            sms_status.sms_opt_out(phone=data.get("From", ""))
        return HttpResponse(EMPTY_TWIML, content_type="text/xml")
    sid, status = data.get("MessageSid", ""), data.get("MessageStatus", "")
    if not sid or not status:
        return HttpResponse("missing MessageSid or MessageStatus", status=400)
    sms_status.sms_status_update(sid=sid, status=status, error_code=data.get("ErrorCode", ""))
    return HttpResponse(status=204)
