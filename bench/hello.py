"""The baseline of the benchmark: the smallest Django site there is, in one file.

One view answering "Hallo", no apps, no middleware, no templates, no database. bench/run
serves it with the same web server (server.py), configuration and worker count as the
directory, so the ratio of a page's figures to this one's is the price of the page
itself rather than of the machine, the server or Django's request handling.

    PYTHONPATH=bench python server.py hello:application
"""

import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.http import HttpResponse
from django.urls import path

settings.configure(
    DEBUG=False,
    SECRET_KEY=os.environ["SECRET_KEY"],
    ALLOWED_HOSTS=["127.0.0.1", "localhost"],
    ROOT_URLCONF=__name__,
    INSTALLED_APPS=[],
    MIDDLEWARE=[],
)


def hallo(request):
    return HttpResponse("Hallo", content_type="text/plain; charset=utf-8")


urlpatterns = [path("", hallo)]

application = get_wsgi_application()
