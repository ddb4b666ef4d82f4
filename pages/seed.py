"""What a new shop starts with: default store hours and starter pages in English and French, all editable in the
admin. Used by a data migration (historical models passed in) and by pages.services."""

from datetime import date, time

DEFAULT_HOURS = [(weekday, time(10, 0), time(18, 0), False) for weekday in range(6)] + [(6, None, None, True)]

PAGES = [
    {
        "slug": "about-us", "section": "about", "position": 0,
        "title": ("About us", "À propos de nous"),
        "summary": ("A small Alberta business selling goods made in Canada, online and in our stores.",
                    "Une petite entreprise albertaine qui vend des produits faits au Canada, en ligne et en "
                    "magasin."),
        "body": (
            "We started in Calgary with one counter and a handful of local makers. Today we sell online across "
            "Canada and in our stores in Calgary and Edmonton.\n\n"
            "We choose every product ourselves, most of them from Canadian workshops and family businesses. "
            "Our team packs your orders in our Calgary warehouse.\n\n"
            "Questions? Our help pages and our contact form are open day and night; we answer on business days.",
            "Nous avons commencé à Calgary avec un seul comptoir et quelques artisans de la région. Aujourd'hui, "
            "nous vendons en ligne partout au Canada et dans nos magasins de Calgary et d'Edmonton.\n\n"
            "Nous choisissons chaque produit nous-mêmes, surtout auprès d'ateliers et d'entreprises familiales "
            "canadiennes. Notre équipe prépare vos commandes dans notre entrepôt de Calgary.\n\n"
            "Des questions? Nos pages d'aide et notre formulaire de contact sont ouverts jour et nuit; nous "
            "répondons les jours ouvrables.",
        ),
    },
    {
        "slug": "investors", "section": "investors", "position": 10,
        "title": ("Investors", "Investisseurs"),
        "summary": ("Investor relations: who to contact and how to get our reports.",
                    "Relations avec les investisseurs : qui joindre et comment obtenir nos rapports."),
        "body": (
            "We are a privately held Alberta corporation. We share our results with our shareholders and with "
            "people considering an investment.\n\n"
            "Reports: our annual report (audited financial statements) is published each June, and a short "
            "quarterly update follows each quarter. Ask us for a copy.\n\n"
            "Contact: investor relations, investors@example.com, 403-555-0100, 4410 Blackfoot Trail SE, "
            "Calgary AB T2G 4E6.",
            "Nous sommes une société albertaine à capital fermé. Nous communiquons nos résultats à nos "
            "actionnaires et aux personnes qui envisagent d'investir.\n\n"
            "Rapports : notre rapport annuel (états financiers audités) paraît chaque juin, suivi d'une courte "
            "mise à jour à la fin de chaque trimestre. Demandez-nous un exemplaire.\n\n"
            "Contact : relations avec les investisseurs, investors@example.com, 403-555-0100, "
            "4410 Blackfoot Trail SE, Calgary AB T2G 4E6.",
        ),
    },
    {
        "slug": "suppliers-and-partners", "section": "suppliers", "position": 20,
        "title": ("Suppliers and partners", "Fournisseurs et partenaires"),
        "summary": ("How to become a supplier or a partner of our shop.",
                    "Comment devenir fournisseur ou partenaire de notre boutique."),
        "body": (
            "We look for Canadian makers and distributors whose products are well made, safe and fairly "
            "priced.\n\n"
            "To become a supplier, send us a short presentation of your business, your product list with "
            "wholesale prices, your minimum order and your delivery times. We answer every proposal within "
            "three weeks.\n\n"
            "Partners (local events, schools, charities): tell us about your project. Write to "
            "suppliers@example.com or use our contact form.",
            "Nous cherchons des artisans et des distributeurs canadiens dont les produits sont bien faits, "
            "sûrs et vendus à un prix juste.\n\n"
            "Pour devenir fournisseur, envoyez-nous une courte présentation de votre entreprise, votre liste de "
            "produits avec les prix de gros, votre commande minimale et vos délais de livraison. Nous "
            "répondons à chaque proposition en moins de trois semaines.\n\n"
            "Partenaires (événements locaux, écoles, organismes de bienfaisance) : parlez-nous de votre projet. "
            "Écrivez à suppliers@example.com ou utilisez notre formulaire de contact.",
        ),
    },
]

NEWS = [
    {
        "slug": "edmonton-store-opens", "section": "press", "published_on": date(2026, 11, 2),
        "title": ("Our Edmonton store opens on Whyte Avenue", "Notre magasin d'Edmonton ouvre sur l'avenue Whyte"),
        "summary": ("After Calgary, our second store welcomes customers in Edmonton from November 2.",
                    "Après Calgary, notre deuxième magasin accueille la clientèle d'Edmonton dès le 2 novembre."),
        "body": (
            "Edmonton, November 2, 2026 — Our second store opens today at 10330 82 Ave NW, in the heart of Old "
            "Strathcona.\n\n"
            "Customers can shop in person, pick up their online orders for free and return items bought "
            "online.\n\n"
            "Media contact: press@example.com, 403-555-0100.",
            "Edmonton, le 2 novembre 2026 — Notre deuxième magasin ouvre aujourd'hui au 10330 82 Ave NW, au "
            "cœur d'Old Strathcona.\n\n"
            "La clientèle peut y magasiner en personne, y récupérer gratuitement ses commandes en ligne et y "
            "retourner des articles achetés en ligne.\n\n"
            "Contact médias : press@example.com, 403-555-0100.",
        ),
    },
]

TRANSLATED = ("title", "summary", "body")


def _translated(spec: dict) -> dict:
    """{"title": (en, fr)} -> title, title_en, title_fr (historical models have no modeltranslation magic)."""
    values = {}
    for field in TRANSLATED:
        english, french = spec[field]
        values.update({field: english, f"{field}_en": english, f"{field}_fr": french})
    return values


def pages_seed(*, Page, NewsItem) -> None:
    """Idempotent: a page or news item already there (by slug) is left as staff edited it."""
    for spec in PAGES:
        Page.objects.get_or_create(slug=spec["slug"], defaults={
            "section": spec["section"], "position": spec["position"], "is_published": True, **_translated(spec)})
    for spec in NEWS:
        NewsItem.objects.get_or_create(slug=spec["slug"], defaults={
            "section": spec["section"], "published_on": spec["published_on"], "is_published": True,
            **_translated(spec)})


def hours_seed(*, location, StoreHours) -> int:
    """Monday to Saturday 10:00–18:00, closed on Sunday, for a store with no hours yet; how many rows were made."""
    if StoreHours.objects.filter(location=location).exists():
        return 0
    StoreHours.objects.bulk_create([
        StoreHours(location=location, weekday=weekday, opens=opens, closes=closes, closed=closed)
        for weekday, opens, closes, closed in DEFAULT_HOURS
    ])
    return len(DEFAULT_HOURS)
