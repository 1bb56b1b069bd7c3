"""Error answers: pages in the site's frame, JSON under /api/ (as every API refusal)."""

import sys

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults

from common.unavailable import RETRY_AFTER_SECONDS, UNAVAILABLE, is_unavailable

API_PREFIX = "/api/"


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_api(request):
        return JsonResponse({"detail": "Not found."}, status=404)
    return defaults.page_not_found(request, exception)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_api(request):
        detail = str(exception) or "You do not have permission to perform this action."
        return JsonResponse({"detail": detail}, status=403)
    return defaults.permission_denied(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    # Django's server_error renders 500.html without a request context or a query:
    # the failure may be the database's. Django calls this while handling the exception.
    if is_unavailable(sys.exc_info()[1]):
        # A dependency down before any view ran (a middleware's query): retry later.
        if _is_api(request):
            response: HttpResponse = JsonResponse({"detail": UNAVAILABLE}, status=503)
        else:
            response = defaults.server_error(request)
            response.status_code = 503
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    if _is_api(request):
        return JsonResponse({"detail": "Something went wrong; try again."}, status=500)
    return defaults.server_error(request)
