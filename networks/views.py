from django.shortcuts import get_object_or_404, render

from networks.models import Network


def network_list(request):
    networks = Network.objects.with_member_count()
    return render(request, "networks/network_list.html", {"networks": networks, "nav": "networks"})


def network_detail(request, slug):
    network = get_object_or_404(Network, slug=slug)
    return render(request, "networks/network_detail.html", {"network": network})
