"""A starter FAQ for the demo shop (`manage.py seed_demo`), in English and French: what shoppers ask first. Staff
edit or replace it in the admin; a real shop's questions then grow it through the inbox."""

from django.db import transaction

from .models import FaqEntry, Topic

# (slug, English name, French name, [(English question, English answer, French question, French answer)])
STARTER_FAQ = [
    ("orders-and-delivery", "Orders and delivery", "Commandes et livraison", [
        ("Where do you deliver?",
         "We ship anywhere in Canada that our carriers serve; the shipping policy lists the regions we cannot reach. "
         "You can also pick up your order for free in one of our stores.",
         "Où livrez-vous ?",
         "Nous expédions partout au Canada où nos transporteurs se rendent; la politique de livraison indique les "
         "régions que nous ne pouvons pas desservir. Vous pouvez aussi cueillir votre commande gratuitement dans un "
         "de nos magasins."),
        ("When will my order arrive?",
         "Each product page and the checkout show the date your order arrives by, for the delivery you choose. "
         "Orders placed before the cut-off time on a working day leave the same day.",
         "Quand ma commande arrivera-t-elle ?",
         "Chaque page de produit et la caisse indiquent la date de livraison au plus tard selon le mode choisi. "
         "Les commandes passées avant l'heure limite un jour ouvrable partent le jour même."),
        ("How do I track my parcel?",
         "When your order ships, we email you the carrier and a tracking link. Your order page shows it too.",
         "Comment suivre mon colis ?",
         "Quand votre commande est expédiée, nous vous envoyons par courriel le transporteur et un lien de suivi. "
         "La page de votre commande l'indique aussi."),
    ]),
    ("payment", "Payment", "Paiement", [
        ("How can I pay?",
         "By credit card through our secure payment page, by cheque, or on account with a purchase order for "
         "business customers. Prices are in Canadian dollars and taxes are those of the delivery province.",
         "Comment puis-je payer ?",
         "Par carte de crédit sur notre page de paiement sécurisée, par chèque, ou sur compte avec un bon de "
         "commande pour les entreprises. Les prix sont en dollars canadiens et les taxes sont celles de la province "
         "de livraison."),
    ]),
    ("returns", "Returns and exchanges", "Retours et échanges", [
        ("Can I return an item?",
         "Yes, within 30 days of delivery, from your order page. The return policy explains what can be returned "
         "and how the refund works.",
         "Puis-je retourner un article ?",
         "Oui, dans les 30 jours suivant la livraison, à partir de la page de votre commande. La politique de "
         "retour explique ce qui peut être retourné et comment se fait le remboursement."),
    ]),
    ("account-and-privacy", "Account and privacy", "Compte et confidentialité", [
        ("Do I need an account to order?",
         "No, you can order as a guest. An account keeps your addresses and lets you follow all your orders.",
         "Dois-je avoir un compte pour commander ?",
         "Non, vous pouvez commander sans compte. Un compte garde vos adresses et vous permet de suivre toutes "
         "vos commandes."),
        ("How do I unsubscribe from your emails?",
         "Every newsletter has an unsubscribe link, and your privacy page lets you change each choice at any time.",
         "Comment me désabonner de vos courriels ?",
         "Chaque infolettre contient un lien de désabonnement, et votre page de confidentialité vous permet de "
         "modifier chaque choix en tout temps."),
    ]),
]


@transaction.atomic
def faq_demo_seed() -> int:
    """Create the starter topics and entries that are missing; returns how many entries were created."""
    created = 0
    for position, (slug, name_en, name_fr, entries) in enumerate(STARTER_FAQ):
        topic, _ = Topic.objects.get_or_create(slug=slug, defaults={"name_en": name_en, "name_fr": name_fr,
                                                                    "position": position})
        for entry_position, (question_en, answer_en, question_fr, answer_fr) in enumerate(entries):
            _, was_created = FaqEntry.objects.get_or_create(
                topic=topic, question_en=question_en,
                defaults={"answer_en": answer_en, "question_fr": question_fr, "answer_fr": answer_fr,
                          "position": entry_position, "is_published": True},
            )
            created += was_created
    return created
