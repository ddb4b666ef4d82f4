import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from .factories import made_to_order_variant


@pytest.fixture
def table(db):
    """The made-to-order Harvest Table's SKU."""
    return made_to_order_variant(sku="TABLE-1")


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (20, 10), "green").save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def png_upload():
    return SimpleUploadedFile("sketch.png", png_bytes(), content_type="image/png")


@pytest.fixture
def pdf_upload():
    return SimpleUploadedFile("plan.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
                              content_type="application/pdf")


@pytest.fixture
def canada(db):
    """Tax rates and the standard delivery ($12.00 + $2.50 handling), as the migration seeds them."""
    from orders.models import DeliveryMethod, TaxRate
    from orders.rates import rates_and_delivery_seed

    rates_and_delivery_seed(TaxRate, DeliveryMethod)
    return DeliveryMethod.objects.get(code="standard")
