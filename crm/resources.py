"""CSV import and export of customers and suppliers (CRM contacts of those kinds, core.csv_io), matched by email
(in any letter case). Consent is never imported or exported: it is given by the person (CASL, crm.services.consent),
so imported customers receive no marketing until they give it themselves."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models.functions import Lower
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export.fields import Field
from import_export.instance_loaders import BaseInstanceLoader

from core.csv_io import ShopResource, YesNoWidget

from .models import Contact


class EmailInstanceLoader(BaseInstanceLoader):
    """The contacts of the resource's kind whose emails are in the file, read in one query, by lower-cased email."""

    def __init__(self, resource, dataset=None):
        super().__init__(resource, dataset)
        column = resource.fields["email"].column_name
        emails = {str(e or "").strip().lower() for e in dataset[column]} - {""} if column in dataset.headers else set()
        self.contacts: dict[str, Contact] = {}
        for contact in (resource.get_queryset().annotate(email_lower=Lower("email"))
                        .filter(email_lower__in=emails).order_by("pk")):
            self.contacts.setdefault(contact.email_lower, contact)

    def get_instance(self, row):
        return self.contacts.get(str(row.get(self.resource.fields["email"].column_name) or "").strip().lower())


class ContactResource(ShopResource):
    kind: str = ""  # set by the subclass
    is_company = Field(attribute="is_company", column_name="is_company", widget=YesNoWidget())

    class Meta(ShopResource.Meta):
        model = Contact
        import_id_fields = ("email",)
        fields = ("email", "name", "is_company", "phone", "city", "province", "postal_code", "language", "notes")
        export_order = fields
        instance_loader_class = EmailInstanceLoader

    def get_queryset(self):
        return Contact.objects.filter(kind=self.kind, erased_at__isnull=True)

    def filter_export(self, queryset, **kwargs):
        return queryset.filter(kind=self.kind, erased_at__isnull=True)

    def init_instance(self, row=None):
        return Contact(kind=self.kind)

    def import_field(self, field, instance, row, is_m2m=False, **kwargs):
        if field.attribute == "email" and instance.pk:
            return  # matched in any letter case: the email on record stays as it is
        super().import_field(field, instance, row, is_m2m, **kwargs)

    def before_import_row(self, row, **kwargs):
        super().before_import_row(row, **kwargs)
        if not str(row.get("email") or "").strip():
            raise ValidationError({"email": _("An email is needed: contacts are matched by their email.")})
        if "email" in row:
            row["email"] = str(row["email"]).strip()
        language = str(row.get("language") or "").strip()
        codes = {code for code, _name in settings.LANGUAGES}
        if "language" in row and language not in codes:
            if language:
                raise ValidationError({"language": _("“%(value)s” is not a language of the shop: write %(codes)s.")
                                       % {"value": language, "codes": " or ".join(sorted(codes))}})
            row["language"] = "en"


class CustomerResource(ContactResource):
    kind = Contact.Kind.CUSTOMER

    class Meta(ContactResource.Meta):
        name = gettext_lazy("Customers (by email; consent is not imported)")


class SupplierResource(ContactResource):
    kind = Contact.Kind.SUPPLIER

    class Meta(ContactResource.Meta):
        name = gettext_lazy("Suppliers (by email)")
