from django.http import HttpResponse


def bare(request):
    """The framework's floor: a tiny response through the whole middleware stack of the Oscar project."""
    return HttpResponse("ok", content_type="text/plain")
