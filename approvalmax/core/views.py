from django.shortcuts import render


def bad_request(request, exception=None):
    return render(request, "error.html", {"title": "Bad request", "message": "The request could not be understood."}, status=400)


def permission_denied(request, exception=None):
    return render(request, "error.html", {"title": "Not allowed", "message": str(exception) or "You may not do this."}, status=403)


def page_not_found(request, exception=None):
    return render(request, "error.html", {"title": "Not found", "message": "There is nothing here."}, status=404)
