"""The user's API tokens page: create a named token with an expiry (the key is shown once),
see when each was last used, revoke it."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from portal.errors import form_add_service_error, service_error_messages

from . import services
from .forms import ApiTokenForm
from .models import ApiToken

TEMPLATE = "portal/api_tokens.html"


@require_http_methods(["GET", "POST"])
def api_tokens(request):
    form = ApiTokenForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        try:
            token, new_key = services.api_token_create(
                user=request.user, name=form.cleaned_data["name"], days=form.cleaned_data["days"]
            )
        except ValidationError as exc:
            form_add_service_error(form, exc)
        else:
            messages.success(request, f"Created {token.name}: copy its key now, it is shown once.")
            form = ApiTokenForm()
    tokens = ApiToken.objects.filter(user=request.user)
    status = 422 if request.method == "POST" and new_key is None else 200
    return render(
        request, TEMPLATE, {"form": form, "tokens": tokens, "new_key": new_key}, status=status
    )


@require_POST
def api_token_revoke(request, pk: int):
    token = get_object_or_404(ApiToken, pk=pk)
    if token.user_id != request.user.pk:
        raise PermissionDenied("You can revoke only your own tokens.")
    try:
        services.api_token_revoke(token=token, actor=request.user)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(service_error_messages(exc)))
    else:
        messages.success(request, f"Revoked {token.name}.")
    return redirect("api-tokens")
