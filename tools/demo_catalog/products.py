"""The demo shop's merchandise: what Fernwood sells, written as data.

Each entry is (handle, title, kind, base price, options, blurb). `kind` picks
the illustration and the product type; options are (name, values) pairs, and
a colour option's values come with their swatches.
"""

from __future__ import annotations

SIZES = ("XS", "S", "M", "L", "XL")

COLORS = {
    "Oat": "#e8dcc4",
    "Forest": "#2f4a3a",
    "Charcoal": "#3b3b3b",
    "Rust": "#a8532f",
    "Sky": "#9cc3d5",
    "Natural": "#efe6d2",
    "Indigo": "#33407a",
    "Sand": "#d8c39a",
    "Clay": "#c07a5a",
    "Sage": "#a3b18a",
    "Black": "#1f1f1f",
    "White": "#f7f5f0",
    "Olive": "#6b6b3a",
    "Blush": "#e8b7a8",
}


def colors(*names: str) -> tuple[str, tuple[str, ...]]:
    return ("Color", names)


def sizes(*names: str) -> tuple[str, tuple[str, ...]]:
    return ("Size", names or SIZES)


# category -> (product type, [(handle, title, kind, price, options, blurb)])
CATEGORIES: dict[str, tuple[str, list[tuple]]] = {
    "apparel": ("Apparel", [
        ("organic-cotton-tee", "Organic Cotton Tee", "tee", "38.00",
         [sizes(), colors("Oat", "Forest", "Charcoal")],
         "A heavyweight tee in GOTS-certified organic cotton, garment-dyed for a soft, "
         "lived-in hand. Cut straight with a slightly dropped shoulder."),
        ("linen-shirt", "Linen Camp Shirt", "shirt", "88.00",
         [sizes("S", "M", "L", "XL"), colors("Natural", "Rust", "Sky")],
         "Breezy European flax linen with a relaxed camp collar and coconut buttons. "
         "Gets softer with every wash."),
        ("hemp-hoodie", "Hemp Fleece Hoodie", "hoodie", "118.00",
         [sizes(), colors("Forest", "Oat")],
         "A brushed hemp and organic cotton fleece that keeps its shape. Double-lined hood, "
         "kangaroo pocket, ribbed cuffs."),
        ("chore-jacket", "Canvas Chore Jacket", "jacket", "168.00",
         [sizes("S", "M", "L", "XL"), colors("Clay", "Indigo")],
         "Our workwear classic in washed cotton canvas: three patch pockets, corozo buttons "
         "and a boxy fit for layering."),
        ("linen-trousers", "Linen Drawstring Trousers", "trousers", "98.00",
         [sizes(), colors("Natural", "Charcoal")],
         "Wide-leg trousers in midweight linen with a soft drawstring waist and deep pockets."),
        ("knit-cardigan", "Merino Knit Cardigan", "hoodie", "148.00",
         [sizes("S", "M", "L"), colors("Oat", "Sage")],
         "A chunky cardigan knitted from traceable merino. Horn buttons, a generous collar "
         "and a fit that suits everyone."),
        ("rib-tank", "Ribbed Cotton Tank", "tee", "32.00",
         [sizes("XS", "S", "M", "L"), colors("White", "Black", "Blush")],
         "A fitted tank in stretchy ribbed organic cotton for layering or summer days."),
        ("wool-socks", "Wool Hiking Socks", "socks", "22.00",
         [sizes("S", "M", "L"), colors("Oat", "Rust")],
         "Cushioned merino-blend socks that stay warm when wet and never itch."),
        ("cotton-shorts", "Twill Walk Shorts", "trousers", "64.00",
         [sizes("S", "M", "L", "XL"), colors("Sand", "Olive")],
         "Seven-inch shorts in garment-washed cotton twill with an elastic back waist."),
        ("linen-dress", "Linen Wrap Dress", "dress", "138.00",
         [sizes("XS", "S", "M", "L"), colors("Sage", "Rust")],
         "A midi wrap dress in soft linen with flutter sleeves and a tie waist."),
    ]),
    "bags": ("Bags", [
        ("canvas-tote", "Canvas Market Tote", "tote", "42.00", [colors("Natural", "Forest")],
         "A roomy tote in heavy organic canvas with leather-reinforced handles and an inside "
         "pocket."),
        ("waxed-backpack", "Waxed Canvas Backpack", "backpack", "158.00",
         [colors("Olive", "Black")],
         "Water-resistant waxed canvas, a padded laptop sleeve and solid brass hardware."),
        ("string-bag", "Cotton String Bag", "tote", "18.00", [colors("Natural", "Sage", "Blush")],
         "A net bag that folds into a pocket and stretches to carry a week of groceries."),
        ("linen-pouch", "Linen Zip Pouch", "pouch", "24.00", [colors("Natural", "Rust")],
         "A lined zip pouch for pens, cables or make-up, in stonewashed linen."),
        ("weekender-duffel", "Weekender Duffel", "duffel", "198.00", [colors("Olive", "Sand")],
         "A two-night bag in waxed canvas and vegetable-tanned leather with a shoe pocket."),
        ("sling-bag", "Everyday Sling Bag", "pouch", "68.00", [colors("Black", "Clay")],
         "Keys, phone and wallet close at hand; the strap adjusts for any way of wearing it."),
    ]),
    "drinkware": ("Drinkware", [
        ("stoneware-mug", "Stoneware Mug", "mug", "28.00", [colors("Oat", "Forest", "Clay")],
         "Hand-thrown stoneware with a speckled glaze, holding 350 ml of coffee or tea."),
        ("travel-tumbler", "Insulated Travel Tumbler", "bottle", "36.00",
         [colors("Sage", "Charcoal", "Sky")],
         "Double-walled steel keeps drinks hot for six hours; the lid is leak-proof."),
        ("glass-carafe", "Glass Water Carafe", "carafe", "45.00", [("Title", ("Default Title",))],
         "A mouth-blown carafe with a tumbler that doubles as its lid. Holds one litre."),
        ("tea-cups", "Porcelain Tea Cups (Set of 4)", "cup", "54.00",
         [colors("White", "Blush")],
         "Thin porcelain cups without handles, for green tea and slow mornings."),
        ("enamel-camp-mug", "Enamel Camp Mug", "mug", "19.00", [colors("White", "Forest")],
         "Steel enamel that survives campfires and camper vans alike."),
        ("water-bottle", "Steel Water Bottle", "bottle", "32.00",
         [("Size", ("500 ml", "750 ml")), colors("Sage", "Black")],
         "A single-wall steel bottle with a bamboo cap; light enough for every day."),
    ]),
    "home": ("Home", [
        ("soy-candle", "Cedar Soy Candle", "candle", "34.00",
         [("Scent", ("Cedar", "Fig", "Sea Salt"))],
         "Hand-poured soy wax with a cotton wick, burning for about 50 hours."),
        ("linen-throw", "Stonewashed Linen Throw", "blanket", "128.00",
         [colors("Natural", "Sage", "Rust")],
         "A lightweight throw for the sofa or the end of the bed, with fringed edges."),
        ("wool-blanket", "Recycled Wool Blanket", "blanket", "165.00",
         [colors("Charcoal", "Oat")],
         "Woven in Wales from recycled wool, warm and heavy without being stiff."),
        ("ceramic-vase", "Ceramic Bud Vase", "vase", "39.00", [colors("White", "Clay", "Sage")],
         "A small vase for a single stem, thrown and glazed by hand."),
        ("linen-napkins", "Linen Napkins (Set of 4)", "blanket", "38.00",
         [colors("Natural", "Indigo", "Rust")],
         "Mitred corners and stonewashed linen that looks better with every meal."),
        ("oak-board", "Oak Serving Board", "board", "58.00",
         [("Size", ("Small", "Large"))],
         "Solid oak from managed forests, finished with food-safe oil."),
        ("linen-cushion", "Linen Cushion Cover", "cushion", "44.00",
         [colors("Natural", "Forest", "Blush")],
         "A 50 cm cushion cover with a hidden zip, in heavy linen."),
        ("beeswax-wraps", "Beeswax Food Wraps", "board", "21.00", [("Title", ("Default Title",))],
         "Three sizes of cotton wrap coated in beeswax, to replace cling film."),
    ]),
    "skincare": ("Skincare", [
        ("oat-hand-cream", "Oat Hand Cream", "jar", "24.00", [("Size", ("50 ml", "100 ml"))],
         "A rich cream with colloidal oat and shea butter for hard-working hands."),
        ("cedar-soap", "Cedar Soap Bar", "soap", "12.00",
         [("Scent", ("Cedar", "Lavender", "Unscented"))],
         "Cold-process soap made with olive oil, cured for six weeks."),
        ("rosehip-face-oil", "Rosehip Face Oil", "dropper", "48.00", [("Size", ("15 ml", "30 ml"))],
         "Cold-pressed rosehip and jojoba for dry skin; a few drops at night are enough."),
        ("lip-balm", "Beeswax Lip Balm", "tin", "9.00", [("Scent", ("Mint", "Honey"))],
         "A small tin of beeswax, cocoa butter and peppermint."),
        ("body-wash", "Botanical Body Wash", "pump", "28.00", [("Scent", ("Cedar", "Fig"))],
         "A gentle wash with aloe and essential oils, in a refillable glass bottle."),
        ("clay-mask", "Green Clay Mask", "jar", "32.00", [("Title", ("Default Title",))],
         "French green clay and spirulina to clarify; mix with water as you need it."),
    ]),
    "stationery": ("Stationery", [
        ("dot-grid-notebook", "Dot Grid Notebook", "notebook", "18.00",
         [("Style", ("Dot grid", "Lined", "Blank")), colors("Forest", "Rust")],
         "A5, 192 pages of 100 gsm recycled paper that takes fountain pen ink."),
        ("pocket-notebooks", "Pocket Notebooks (Set of 3)", "notebook", "14.00",
         [colors("Sand", "Indigo")],
         "Stitched pocket notebooks for lists, sketches and ideas on the go."),
        ("brass-pen", "Solid Brass Pen", "pen", "54.00", [("Ink", ("Black", "Blue"))],
         "A weighty pen machined from brass that ages to a warm patina."),
        ("linen-journal", "Linen-Bound Journal", "notebook", "36.00",
         [colors("Natural", "Sage")],
         "A lay-flat journal bound in linen with a ribbon marker."),
        ("desk-planner", "Undated Desk Planner", "notebook", "28.00",
         [("Title", ("Default Title",))],
         "Fifty-two undated weeks so you can start any Monday."),
        ("greeting-cards", "Letterpress Cards (Set of 6)", "card", "22.00",
         [("Design", ("Botanical", "Thank you"))],
         "Letterpress-printed cards on cotton paper, with recycled envelopes."),
    ]),
    "accessories": ("Accessories", [
        ("merino-beanie", "Merino Beanie", "beanie", "38.00",
         [colors("Rust", "Charcoal", "Oat")],
         "A ribbed beanie in soft merino that keeps its shape all winter."),
        ("card-holder", "Leather Card Holder", "pouch", "48.00", [colors("Black", "Clay")],
         "Vegetable-tanned leather, four card slots and a middle pocket for notes."),
        ("linen-scarf", "Linen Scarf", "scarf", "56.00", [colors("Natural", "Indigo", "Blush")],
         "A long, light scarf with fringed ends, for spring evenings."),
        ("canvas-cap", "Canvas Cap", "cap", "34.00", [colors("Olive", "Sand", "Black")],
         "A six-panel cap in washed canvas with a brass buckle."),
        ("wool-gloves", "Wool Gloves", "gloves", "42.00", [sizes("S", "M", "L")],
         "Knitted lambswool gloves with a touchscreen-friendly fingertip."),
        ("bamboo-sunglasses", "Bamboo Sunglasses", "glasses", "78.00",
         [("Lens", ("Grey", "Brown"))],
         "Polarised lenses in a light frame of bamboo and recycled acetate."),
    ]),
}

# Products whose every variant is sold out (the store must show them as such).
SOLD_OUT = {"rosehip-face-oil", "wool-gloves"}

# Products on sale: the percentage their compare-at price is above the price.
ON_SALE = {
    "linen-trousers": 30,
    "chore-jacket": 25,
    "string-bag": 20,
    "tea-cups": 20,
    "linen-napkins": 25,
    "lip-balm": 10,
    "pocket-notebooks": 15,
    "canvas-cap": 20,
}

# Combinations that do not exist (no variant is made), to exercise selectors.
MISSING = {
    "linen-shirt": [{"Size": "XL", "Color": "Sky"}],
    "organic-cotton-tee": [{"Size": "XS", "Color": "Charcoal"}],
    "dot-grid-notebook": [{"Style": "Blank", "Color": "Rust"}],
    "water-bottle": [{"Size": "500 ml", "Color": "Black"}],
}

# Products sold by volume: their variants carry a unit price measurement (per 100 ml).
UNIT_PRICED = {"oat-hand-cream", "rosehip-face-oil"}

# Price steps for options that change the price (per value, added to the base price).
PRICE_STEPS = {
    "100 ml": "14.00",
    "30 ml": "30.00",
    "750 ml": "6.00",
    "Large": "24.00",
    "XL": "4.00",
}

FRONTPAGE = [
    "organic-cotton-tee", "linen-shirt", "stoneware-mug", "canvas-tote",
    "soy-candle", "oat-hand-cream", "dot-grid-notebook", "merino-beanie",
]
