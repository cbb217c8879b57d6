"""The demo shop's blog, "Journal": its authors and articles, written as data.

Each article is (handle, title, author key, days after the catalog's epoch it was
published, tags, excerpt, body paragraphs, picture). The body is HTML: paragraphs
and subheadings, with links to the products it mentions. The picture is a few of
the catalog's illustrations (art.SHAPES kinds) in catalog colours (products.COLORS).
Tags are shared between articles, so each tagged view lists more than one but Travel.
"""

from __future__ import annotations

BLOG = {"id": 6001, "handle": "journal", "title": "Journal",
        "description": "Notes from the Fernwood workshop: care, making, and living with less."}

# key -> (first name, last name, bio)
AUTHORS = {
    "ines": ("Ines", "Marlow", "Ines runs the Fernwood workshop and has mended more socks "
                               "than she can count."),
    "tomas": ("Tomas", "Reyes", "Tomas co-founded Fernwood and spends his time with the mills "
                                "and potteries we work with."),
    "ada": ("Ada", "Brooks", "Ada writes about travel, tables and the small rituals that make "
                             "a home."),
}

ARTICLES = [
    ("how-to-care-for-linen", "How to care for linen", "ines", 190, ["Care", "Linen"],
     "Wash it cool, dry it on the line and skip the iron: linen gets better the less you "
     "fuss over it.",
     ["Linen is the most forgiving fabric in your wardrobe. Flax fibres are long and strong, "
      "and every wash makes them a little softer.",
      "<h2>Washing</h2>",
      "Wash at 30 or 40 degrees with a gentle detergent and no softener: softener coats the "
      "fibres and stops them breathing. Turn darker pieces like the "
      '<a href="/products/linen-shirt">Linen Camp Shirt</a> in rust inside out.',
      "<h2>Drying</h2>",
      "Shake each piece out and hang it while it is still damp. A line in the shade keeps "
      "colours deep; the tumble dryer shrinks and creases.",
      "<h2>Ironing, or not</h2>",
      "The creases are part of linen's charm. If you want a crisp collar, iron it while "
      "damp, on the reverse."],
     (["shirt", "trousers"], ["Natural", "Rust"])),
    ("inside-the-weaving-mill", "Inside the weaving mill", "tomas", 215, ["Workshop", "Linen"],
     "A day at the family mill in Flanders that weaves the linen for our shirts, throws and "
     "napkins.",
     ["The mill has been in the same family for four generations. Its looms run slower than "
      "modern ones, and that is the point: a slower weave makes a denser, softer cloth.",
      "<h2>From flax to cloth</h2>",
      "Flax is pulled, not cut, so the whole fibre is kept. After retting in the fields it is "
      "scutched, spun and woven into the cloth of our "
      '<a href="/products/linen-throw">Linen Throw</a> and '
      '<a href="/products/linen-napkins">Linen Napkins</a>.',
      "Every bolt is checked by hand on a light table before it leaves. A flaw is marked "
      "with a thread, and that metre becomes samples or cleaning cloths."],
     (["blanket", "scarf"], ["Natural", "Sage"])),
    ("a-week-with-one-bag", "A week with one bag", "ada", 240, ["Travel", "Slow living"],
     "Seven days, three cities and one bag: what went in, what stayed at home, and what "
     "we would pack again.",
     ["Travelling light is less about clever folding than about choosing clothes that go "
      "with each other.",
      "<h2>What went in</h2>",
      "Two tees, one shirt, one pair of trousers, a cardigan for the evenings and a scarf "
      "that doubled as a blanket on the train, all in the "
      '<a href="/products/weekender-duffel">Weekender Duffel</a>.',
      "<h2>What we would change</h2>",
      "One tee fewer, and a second pair of socks. Wool socks can be worn twice, but not "
      "three times."],
     (["duffel", "tee"], ["Olive", "Oat"])),
    ("stoneware-from-clay-to-cup", "Stoneware, from clay to cup", "tomas", 270,
     ["Workshop", "Kitchen"],
     "How the potters we work with turn a lump of clay into the mug you drink your coffee "
     "from.",
     ["Each mug is thrown on a wheel, trimmed the next day and left to dry for a week "
      "before its first firing.",
      "<h2>Two firings</h2>",
      "The bisque firing hardens the clay; the glaze firing, at over 1200 degrees, melts the "
      "glaze into glass. That is why our "
      '<a href="/products/stoneware-mug">Stoneware Mug</a> goes in the dishwasher without a '
      "second thought.",
      "No two glazes come out of the kiln quite alike: the colour pools where the wall curves "
      "and thins on the rim."],
     (["mug", "vase", "cup"], ["Clay", "Sage", "White"])),
    ("mending-wool-socks", "Mending your wool socks", "ines", 300, ["Care", "Slow living"],
     "A hole in the heel is not the end of a sock. Ten minutes, a darning mushroom and some "
     "wool will see it through another winter.",
     ["Darning is weaving in miniature: rows of thread one way, then the other, over and "
      "under.",
      "<h2>What you need</h2>",
      "A blunt wool needle, yarn close to the sock's weight and something round to stretch "
      "the hole over: a darning mushroom, or an orange.",
      "<h2>How</h2>",
      "Work a little beyond the worn area, where the knit is still strong. Do not pull the "
      "thread tight; the darn should lie flat. Our "
      '<a href="/products/wool-socks">Wool Socks</a> have a reinforced heel, but everything '
      "wears through in the end."],
     (["socks", "socks"], ["Oat", "Rust"])),
    ("setting-a-slow-table", "Setting a slow table", "ada", 330,
     ["Kitchen", "Slow living", "Linen"],
     "Linen napkins, a candle and the good cups on a weekday: a table that asks everyone to "
     "sit a little longer.",
     ["A slow table is not a formal one. It is a table set with care, so that a meal feels "
      "like an occasion even when it is soup.",
      "<h2>Start with cloth</h2>",
      "A linen runner or napkins soften the sound of plates and make any table warmer. "
      'Ours come in <a href="/products/linen-napkins">natural, rust and indigo</a>.',
      "<h2>Add light</h2>",
      "One candle at eye level changes a room more than any lamp. A "
      '<a href="/products/soy-candle">soy candle</a> burns clean and slow.'],
     (["candle", "cup", "carafe"], ["Sand", "Blush", "Sky"])),
    ("the-winter-layers-we-live-in", "The winter layers we live in", "ines", 360,
     ["Care", "Slow living"],
     "Three layers, all natural fibres, and how to keep them warm, aired and free of moths "
     "until spring.",
     ["Wool, hemp and cotton, worn together, keep you warmer than any single heavy coat.",
      "<h2>The layers</h2>",
      "A tee next to the skin, a "
      '<a href="/products/knit-cardigan">merino cardigan</a> over it, and the '
      '<a href="/products/chore-jacket">chore jacket</a> on top when the wind gets up.',
      "<h2>Keeping them</h2>",
      "Air wool rather than washing it, store it clean, and tuck cedar among it: moths "
      "dislike the smell as much as we like it."],
     (["hoodie", "jacket", "beanie"], ["Oat", "Indigo", "Rust"])),
]
