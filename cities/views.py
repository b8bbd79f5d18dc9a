from django.shortcuts import get_object_or_404, render

from cities.models import City, State


def city_list(request):
    cities = City.objects.with_state()
    return render(request, "cities/city_list.html", {"cities": cities, "nav": "cities"})


def state_list(request):
    return render(request, "cities/state_list.html", {"states": State.objects.all(), "nav": "states"})


def city_detail(request, slug):
    city = get_object_or_404(City.objects.with_state(), slug=slug)
    return render(request, "cities/city_detail.html", {"city": city})


def state_detail(request, slug):
    state = get_object_or_404(State, slug=slug)
    return render(request, "cities/state_detail.html", {"state": state})
