from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import services
from .forms import AddressForm, ProfileForm
from .models import Address, Profile


@login_required
def profile(request):
    current = Profile.objects.filter(user=request.user).first() or Profile(user=request.user)
    initial = {"first_name": request.user.first_name, "last_name": request.user.last_name,
               "phone": current.phone, "phone_alt": current.phone_alt, "company": current.company}
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.profile_save(user=request.user, **form.cleaned_data)
        messages.success(request, _("Your profile is saved."))
        return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form})


@login_required
def address_list(request):
    form = AddressForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.address_save(address=form.save(commit=False), user=request.user)
        messages.success(request, _("The address is saved."))
        return redirect("accounts:address_list")
    addresses = Address.objects.filter(user=request.user)
    return render(request, "accounts/address_list.html", {"form": form, "addresses": addresses})


@login_required
def address_edit(request, pk):
    address = get_object_or_404(Address, pk=pk, user=request.user)
    form = AddressForm(request.POST or None, instance=address)
    if request.method == "POST" and form.is_valid():
        services.address_save(address=form.save(commit=False), user=request.user)
        messages.success(request, _("The address is saved."))
        return redirect("accounts:address_list")
    return render(request, "accounts/address_edit.html", {"form": form, "address": address})


@require_POST
@login_required
def address_delete(request, pk):
    address = get_object_or_404(Address, pk=pk, user=request.user)
    services.address_delete(address=address)
    messages.success(request, _("The address is deleted."))
    return redirect("accounts:address_list")
