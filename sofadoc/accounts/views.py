from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django.views.i18n import set_language as django_set_language

from sofadoc.accounts.forms import ProfileForm
from sofadoc.accounts.services import user_set_language, user_update_profile


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic(durable=True):
            user_update_profile(user=request.user, **form.cleaned_data)
        translation.activate(request.user.language)
        messages.success(request, _("Your settings have been saved."))
        return redirect("accounts:profile")
    return render(request, "accounts/profile_form.html", {"form": form})


@require_POST
def set_language(request):
    """Django's set_language, and for signed-in people the choice is kept on the account."""
    response = django_set_language(request)
    if request.user.is_authenticated:
        with transaction.atomic(durable=True):
            user_set_language(user=request.user, language=request.POST.get("language", ""))
    return response
