import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from payments.fake_stripe import FakeStripe


class Command(BaseCommand):
    help = (
        "Serve the local fake of the Stripe API (and its hosted payment page) until Ctrl-C. Run the shop with "
        "STRIPE_API_BASE set to the address printed here and STRIPE_SECRET_KEY set to any sk_test_… value."
    )

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=12111, help="Port to listen on (default 12111).")
        parser.add_argument("--webhook-url", default=None,
                            help="Where to post events (default: SHOP_BASE_URL + /payments/stripe/webhook/).")

    def handle(self, *args, port, webhook_url, **options):
        secret = settings.STRIPE_WEBHOOK_SECRET
        if not secret:
            raise CommandError("STRIPE_WEBHOOK_SECRET is empty: set it (e.g. whsec_demo) for the shop and this fake.")
        url = webhook_url or settings.SHOP_BASE_URL.rstrip("/") + "/payments/stripe/webhook/"
        fake = FakeStripe(webhook_secret=secret, webhook_url=url, port=port, shop_name=settings.SHOP_NAME)
        try:
            fake.start()
        except OSError as error:
            raise CommandError(f"Cannot listen on port {port}: {error}") from error
        self.stdout.write(f"Fake Stripe API at {fake.api_base} (STRIPE_API_BASE={fake.api_base})")
        self.stdout.write(f"Webhook events go to {url}")
        self.stdout.write("Test cards: 4242 4242 4242 4242 pays; 4000 0000 0000 0002 is declined.")
        self.stdout.write("Ctrl-C to stop.")
        reported = 0
        try:
            while True:
                time.sleep(0.5)
                types = {event["id"]: event["type"] for event in list(fake.events)}
                for event_id, status in list(fake.deliveries)[reported:]:
                    self.stdout.write(f"{types.get(event_id, '?')} {event_id} -> {status or 'unreachable'}")
                    reported += 1
        except KeyboardInterrupt:
            self.stdout.write("Stopped.")
        finally:
            fake.stop()
