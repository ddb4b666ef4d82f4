"""A newsletter as an email, in one language: subject, text and HTML bodies, the CASL footer (who sends it, their
postal address, an unsubscribe link) and the RFC 8058 headers.

The bodies are rendered once per language with a marker where each recipient's unsubscribe link goes; a recipient's
copy is that text with their own link put in (10,000 recipients: two renders, not 10,000)."""

from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.db.models import Min, Prefetch, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from catalog.models import Product
from core.identity import seller_identity, seller_postal_address
from crm.models import Contact

from ..models import Newsletter, NewsletterBlock

UNSUBSCRIBE_SALT = "newsletters.unsubscribe"
LINK_MARKER = "__newsletter_unsubscribe_link__"
TEMPLATE = "emails/newsletters/newsletter"


def language_of(value: str) -> str:
    return "fr" if (value or "").lower().startswith("fr") else "en"


def unsubscribe_token(*, contact_id: int, purpose: str) -> str:
    """Signed (contact, purpose): the link withdraws that purpose's consent, nothing else. Never expires (CASL: the
    link must work for at least 60 days after the message)."""
    return signing.dumps([contact_id, purpose], salt=UNSUBSCRIBE_SALT)


def unsubscribe_read(token: str) -> tuple[Contact, str] | None:
    """The contact and purpose a token names, or None when it is forged, damaged or names nobody."""
    from crm.models import ConsentEvent

    try:
        contact_id, purpose = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except (signing.BadSignature, TypeError, ValueError):
        return None
    if not isinstance(contact_id, int) or purpose not in ConsentEvent.Purpose.values:
        return None
    contact = Contact.objects.filter(pk=contact_id).first()
    return (contact, purpose) if contact is not None else None


def unsubscribe_link(*, contact_id: int, purpose: str, language: str) -> str:
    with translation.override(language):
        path = reverse("newsletters:unsubscribe",
                       kwargs={"token": unsubscribe_token(contact_id=contact_id, purpose=purpose)})
    return settings.SHOP_BASE_URL.rstrip("/") + path


def unsubscribe_headers(link: str) -> dict[str, str]:
    """RFC 2369 List-Unsubscribe (the https link first; a mailto only when a mailbox is configured) and RFC 8058
    one-click: a mail client POSTs "List-Unsubscribe=One-Click" to the link."""
    targets = [f"<{link}>"]
    if settings.SHOP_NEWSLETTER_UNSUBSCRIBE_MAILTO:
        targets.append(f"<mailto:{settings.SHOP_NEWSLETTER_UNSUBSCRIBE_MAILTO}?subject=unsubscribe>")
    return {"List-Unsubscribe": ", ".join(targets), "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


@dataclass(frozen=True)
class Rendered:
    subject: str
    text_body: str
    html_body: str

    def with_link(self, link: str) -> "Rendered":
        return Rendered(self.subject, self.text_body.replace(LINK_MARKER, link),
                        self.html_body.replace(LINK_MARKER, link))


def _media_url(url: str) -> str:
    return url if url.startswith(("http://", "https://")) else settings.SHOP_BASE_URL.rstrip("/") + url


def newsletter_with_blocks(*, newsletter_id: int) -> Newsletter:
    """The newsletter with its blocks and their products (lowest active variant price) in four queries."""
    products = Product.objects.annotate(
        price_from=Min("variants__price", filter=Q(variants__is_active=True))).order_by("name", "pk")
    blocks = NewsletterBlock.objects.prefetch_related(Prefetch("products", queryset=products))
    return Newsletter.objects.select_related("segment").prefetch_related(Prefetch("blocks", queryset=blocks)).get(
        pk=newsletter_id)


def _blocks(newsletter: Newsletter, language: str) -> list[dict]:
    blocks = []
    for block in list(newsletter.blocks.all())[:3]:
        text = block.in_language("text", language)
        item = {"kind": block.kind, "heading": block.in_language("heading", language),
                "paragraphs": [p.strip() for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]}
        if block.kind == NewsletterBlock.Kind.IMAGE and block.image:
            item["image_url"] = _media_url(block.image.url)
            item["image_alt"] = block.in_language("image_alt", language)
        if block.kind == NewsletterBlock.Kind.PRODUCTS:
            item["products"] = [
                {"name": product.name, "price_from": product.price_from,
                 "url": settings.SHOP_BASE_URL.rstrip("/") + product.get_absolute_url()}
                for product in list(block.products.all())[:3]
            ]
        blocks.append(item)
    return blocks


def _seller_footer() -> dict:
    """The legal name and postal address CASL requires: the seller's identity once staff set it, else the settings."""
    identity = seller_identity()
    if identity.pk is None:
        return {"legal_name": settings.SHOP_LEGAL_NAME, "postal_address": settings.SHOP_POSTAL_ADDRESS}
    return {"legal_name": identity.legal_name, "postal_address": seller_postal_address(identity)}


def newsletter_render(*, newsletter: Newsletter, language: str, link: str = LINK_MARKER,
                      test: bool = False) -> Rendered:
    """The email in `language` (English or French); `link` is the recipient's unsubscribe link (default: the
    marker, replaced per recipient with Rendered.with_link). Blocks must be prefetched (newsletter_with_blocks)."""
    language = language_of(language)
    with translation.override(language):
        base = settings.SHOP_BASE_URL.rstrip("/")
        context = {
            "newsletter": newsletter, "language": language, "subject": newsletter.subject_in(language),
            "blocks": _blocks(newsletter, language), "unsubscribe_url": link, "test": test,
            "shop_name": settings.SHOP_NAME, "shop_url": base + reverse("catalog:home"),
            **_seller_footer(),
            "contact_email": settings.SHOP_CONTACT_EMAIL or settings.DEFAULT_FROM_EMAIL,
            "privacy_url": base + reverse("crm:privacy"),
        }
        subject = " ".join(render_to_string(f"{TEMPLATE}_subject.txt", context).split())
        return Rendered(subject, render_to_string(f"{TEMPLATE}.txt", context),
                        render_to_string(f"{TEMPLATE}.html", context))
