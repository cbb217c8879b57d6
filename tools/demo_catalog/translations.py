"""Fernwood in French, for the markets that sell in it (Canada and France).

Part of the catalog only, as a merchant translates the most visible things first: every
collection, the products of the home page and a few more. What is not translated here
comes in English, field by field (as Shopify falls back): the Waxed Canvas Backpack has
a French title and nothing else.
"""

from __future__ import annotations

# handle -> (title, blurb or None): the blurb makes the description, as in products.py.
PRODUCTS = {
    "organic-cotton-tee": (
        "T-shirt en coton biologique",
        "Un t-shirt épais en coton biologique certifié GOTS, teint en pièce pour un toucher "
        "doux et déjà vécu. Coupe droite, épaule légèrement tombante."),
    "linen-shirt": (
        "Chemise en lin à col cubain",
        "Un lin européen aérien, un col cubain décontracté et des boutons en noix de coco. "
        "Plus doux à chaque lavage."),
    "stoneware-mug": (
        "Tasse en grès",
        "Du grès tourné à la main sous un émail moucheté, pour 350 ml de café ou de thé."),
    "canvas-tote": (
        "Cabas de marché en toile",
        "Un grand cabas en toile biologique épaisse, anses renforcées de cuir et poche "
        "intérieure."),
    "soy-candle": (
        "Bougie de soja au cèdre",
        "Cire de soja coulée à la main et mèche en coton, pour environ 50 heures de "
        "combustion."),
    "oat-hand-cream": (
        "Crème pour les mains à l'avoine",
        "Une crème riche à l'avoine colloïdale et au beurre de karité pour les mains qui "
        "travaillent."),
    "dot-grid-notebook": (
        "Carnet à points",
        "Format A5, 192 pages de papier recyclé de 100 g qui accepte l'encre du stylo "
        "plume."),
    "merino-beanie": (
        "Bonnet en mérinos",
        "Un bonnet côtelé en mérinos doux qui garde sa forme tout l'hiver."),
    "hemp-hoodie": (
        "Sweat à capuche en molleton de chanvre",
        "Un molleton brossé de chanvre et de coton biologique qui garde sa forme. Capuche "
        "doublée, poche kangourou, poignets côtelés."),
    "linen-trousers": (
        "Pantalon en lin à cordon",
        "Un pantalon large en lin mi-lourd, taille souple à cordon et poches profondes."),
    "linen-dress": (
        "Robe portefeuille en lin",
        "Une robe portefeuille mi-longue en lin doux, manches volantées et taille nouée."),
    "waxed-backpack": ("Sac à dos en toile cirée", None),  # the title only: the rest falls back
}

# What descriptionHtml adds after the blurb, as products.py does in English.
DETAILS = "<ul><li>Fabriqué en petites séries</li><li>Retours gratuits sous 30 jours</li></ul>"

# handle -> (title, description)
COLLECTIONS = {
    "frontpage": ("Page d'accueil", "Nos préférés, choisis par l'équipe."),
    "apparel": ("Vêtements", "Vêtements : faits lentement, en matières naturelles."),
    "bags": ("Sacs", "Sacs : faits lentement, en matières naturelles."),
    "drinkware": ("Tasses et gourdes", "Tasses et gourdes : faites lentement, en matières "
                                       "naturelles."),
    "home": ("Maison", "Maison : fait lentement, en matières naturelles."),
    "skincare": ("Soins", "Soins : faits lentement, en ingrédients naturels."),
    "stationery": ("Papeterie", "Papeterie : faite lentement, en matières naturelles."),
    "accessories": ("Accessoires", "Accessoires : faits lentement, en matières naturelles."),
    "new-arrivals": ("Nouveautés", "Tout juste sortis de l'atelier."),
    "best-sellers": ("Meilleures ventes", "Ceux qu'on nous redemande sans cesse."),
    "sale": ("Soldes", "Les derniers de la saison, tant qu'il y en a."),
}


def french() -> dict:
    """The catalog's `translations.FR`: products and collections, by handle."""
    products = {}
    for handle, (title, blurb) in PRODUCTS.items():
        entry: dict = {"title": title}
        if blurb:
            first = blurb.split(". ")[0].rstrip(".") + "."
            entry["descriptionHtml"] = f"<p>{blurb}</p>{DETAILS}"
            entry["seo"] = {"title": f"{title} | Fernwood", "description": first}
        products[handle] = entry
    collections = {
        handle: {"title": title, "descriptionHtml": f"<p>{description}</p>",
                 "seo": {"title": f"{title} | Fernwood", "description": description}}
        for handle, (title, description) in COLLECTIONS.items()
    }
    return {"products": products, "collections": collections}
