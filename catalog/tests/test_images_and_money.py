import io
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import translation
from PIL import Image

from catalog.models import ProductImage
from catalog.templatetags.shop_tags import money
from catalog.tests.factories import ProductFactory
from demo.seeds import demo_image


@pytest.mark.django_db
def test_saving_a_picture_makes_small_jpeg_thumbnails_in_three_sizes():
    image = ProductImage.objects.create(product=ProductFactory(), image=demo_image("Big Picture", size=1600))

    sizes = {}
    for name in ("small", "medium", "large"):
        stored = getattr(image, f"thumbnail_{name}")
        with default_storage.open(stored) as f:
            data = f.read()
        with Image.open(io.BytesIO(data)) as thumb:
            sizes[name] = (thumb.format, thumb.size, len(data))
    assert [(fmt, size) for fmt, size, _ in sizes.values()] == [
        ("JPEG", (160, 160)), ("JPEG", (480, 480)), ("JPEG", (960, 960))]
    assert sizes["small"][2] < 10_000
    assert image.small_url.endswith("-160.jpg")


@pytest.mark.django_db
def test_replacing_a_picture_remakes_its_thumbnails():
    image = ProductImage.objects.create(product=ProductFactory(), image=demo_image("First"))
    buffer = io.BytesIO()
    Image.new("RGBA", (300, 150), (0, 0, 255, 128)).save(buffer, "PNG")

    image.image = ContentFile(buffer.getvalue(), name="second.png")
    image.save()

    with Image.open(default_storage.open(image.thumbnail_medium)) as thumb:
        assert thumb.size == (300, 150)  # never enlarged, transparency flattened to JPEG
    assert "second" in image.thumbnail_medium


@pytest.mark.parametrize("amount, english, french", [
    (Decimal("0"), "$0.00", "0,00\u00a0$"),
    (Decimal("18"), "$18.00", "18,00\u00a0$"),
    (Decimal("1234.5"), "$1,234.50", "1\u00a0234,50\u00a0$"),
    (Decimal("1234567.005"), "$1,234,567.01", "1\u00a0234\u00a0567,01\u00a0$"),
    (Decimal("-5.5"), "-$5.50", "-5,50\u00a0$"),
    ("junk", "", ""),
    (None, "", ""),
])
def test_money_is_cad_to_the_cent_in_each_language(amount, english, french):
    with translation.override("en"):
        assert money(amount) == english
    with translation.override("fr"):
        assert money(amount) == french
