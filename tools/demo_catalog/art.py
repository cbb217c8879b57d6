"""Flat SVG illustrations for the demo catalog, drawn from simple shapes.

Real product photos would weigh megabytes and carry someone's copyright; these
are a few hundred bytes each, scale to any size and are ours.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

# Each drawing sits in an 800 x 1000 box, centred around (400, 480); {c} is the
# product colour and {d} a darker shade of it for details.
SHAPES = {
    "tee": '<path d="M250 300 330 260Q400 310 470 260L550 300 630 410 560 445 540 410V720H260V410'
           'L240 445 170 410Z" fill="{c}"/>',
    "shirt": '<path d="M250 300 330 260 400 330 470 260 550 300 630 410 560 445 540 410V720H260'
             'V410L240 445 170 410Z" fill="{c}"/><path d="M400 330V720" stroke="{d}" '
             'stroke-width="6"/><g fill="{d}"><circle cx="415" cy="420" r="8"/>'
             '<circle cx="415" cy="520" r="8"/><circle cx="415" cy="620" r="8"/></g>',
    "hoodie": '<ellipse cx="400" cy="275" rx="95" ry="70" fill="{d}"/><path d="M250 300 330 265'
              'Q400 330 470 265L550 300 650 660 590 680 540 450V740H260V450L210 680 150 660Z" '
              'fill="{c}"/><rect x="320" y="580" width="160" height="80" rx="20" fill="{d}"/>',
    "jacket": '<path d="M250 290 340 260 400 320 460 260 550 290 650 680 590 700 545 460V760H255'
              'V460L210 700 150 680Z" fill="{c}"/><path d="M400 320V760" stroke="{d}" '
              'stroke-width="8"/><g fill="{d}">'
              '<rect x="290" y="420" width="80" height="70" rx="6"/>'
              '<rect x="290" y="600" width="90" height="90" rx="6"/>'
              '<rect x="420" y="600" width="90" height="90" rx="6"/></g>',
    "trousers": '<path d="M280 260H520L560 760H440L400 420 360 760H240Z" fill="{c}"/>'
                '<path d="M280 300H520" stroke="{d}" stroke-width="14"/>',
    "dress": '<path d="M340 250H460L480 380 600 760H200L320 380Z" fill="{c}"/>'
             '<path d="M320 400H480" stroke="{d}" stroke-width="14"/>',
    "socks": '<path d="M330 240H450V600Q450 700 350 720L250 740Q200 740 200 690 200 650 250 640'
             'L330 620Z" fill="{c}"/><rect x="330" y="240" width="120" height="60" fill="{d}"/>',
    "tote": '<path d="M330 380Q330 250 400 250 470 250 470 380" fill="none" stroke="{d}" '
            'stroke-width="22"/><path d="M240 370H560L590 760H210Z" fill="{c}"/>',
    "backpack": '<rect x="250" y="280" width="300" height="460" rx="60" fill="{c}"/>'
                '<path d="M250 380Q400 460 550 380V320Q550 280 510 280H290Q250 280 250 320Z" '
                'fill="{d}"/><rect x="300" y="560" width="200" height="120" rx="20" fill="{d}"/>',
    "pouch": '<rect x="220" y="380" width="360" height="260" rx="40" fill="{c}"/>'
             '<path d="M240 420H560" stroke="{d}" stroke-width="10"/>'
             '<circle cx="540" cy="420" r="14" fill="{d}"/>',
    "duffel": '<path d="M330 420Q330 320 400 320 470 320 470 420" fill="none" stroke="{d}" '
              'stroke-width="20"/><rect x="170" y="410" width="460" height="270" rx="120" '
              'fill="{c}"/><path d="M200 500H600" stroke="{d}" stroke-width="8"/>',
    "mug": '<path d="M520 430Q620 430 620 520 620 610 520 610" fill="none" stroke="{d}" '
           'stroke-width="34"/><rect x="260" y="380" width="280" height="340" rx="30" fill="{c}"/>',
    "cup": '<path d="M270 420H530L500 700H300Z" fill="{c}"/>'
           '<ellipse cx="400" cy="420" rx="130" ry="22" fill="{d}"/>',
    "bottle": '<rect x="345" y="220" width="110" height="70" rx="16" fill="{d}"/>'
              '<rect x="310" y="280" width="180" height="480" rx="60" fill="{c}"/>',
    "carafe": '<path d="M360 230H440V420Q560 470 560 620 560 760 400 760 240 760 240 620 240 470 '
              '360 420Z" fill="{c}" opacity=".8"/><rect x="350" y="200" width="100" height="60" '
              'rx="12" fill="{d}"/>',
    "candle": '<path d="M400 300Q430 350 400 380 370 350 400 300Z" fill="#e9a23b"/>'
              '<rect x="270" y="400" width="260" height="320" rx="24" fill="{c}"/>'
              '<rect x="270" y="520" width="260" height="110" fill="{d}"/>',
    "blanket": '<rect x="200" y="560" width="400" height="110" rx="18" fill="{d}"/>'
               '<rect x="200" y="450" width="400" height="110" rx="18" fill="{c}"/>'
               '<rect x="200" y="340" width="400" height="110" rx="18" fill="{d}"/>',
    "vase": '<path d="M370 280H430V360Q520 420 520 560 520 720 400 720 280 720 280 560 280 420 '
            '370 360Z" fill="{c}"/>',
    "board": '<rect x="370" y="250" width="60" height="120" rx="30" fill="{d}"/>'
             '<rect x="240" y="340" width="320" height="420" rx="50" fill="{c}"/>',
    "cushion": '<path d="M220 330Q400 290 580 330 620 500 580 670 400 710 220 670 180 500 '
               '220 330Z" fill="{c}"/>',
    "jar": '<rect x="270" y="400" width="260" height="60" rx="14" fill="{d}"/>'
           '<rect x="260" y="450" width="280" height="250" rx="40" fill="{c}"/>',
    "soap": '<rect x="230" y="430" width="340" height="200" rx="60" fill="{c}"/>'
            '<rect x="290" y="500" width="220" height="60" rx="30" fill="{d}"/>',
    "dropper": '<circle cx="400" cy="270" r="40" fill="{d}"/><rect x="375" y="290" width="50" '
               'height="110" fill="{d}"/><rect x="300" y="400" width="200" height="330" rx="40" '
               'fill="{c}"/>',
    "tin": '<ellipse cx="400" cy="560" rx="170" ry="60" fill="{d}"/>'
           '<rect x="230" y="480" width="340" height="80" fill="{d}"/>'
           '<ellipse cx="400" cy="480" rx="170" ry="60" fill="{c}"/>',
    "pump": '<path d="M400 240H480V270H420V330" fill="none" stroke="{d}" stroke-width="24"/>'
            '<rect x="370" y="320" width="60" height="80" fill="{d}"/>'
            '<rect x="300" y="390" width="200" height="350" rx="40" fill="{c}"/>',
    "notebook": '<rect x="260" y="260" width="300" height="440" rx="16" fill="{c}"/>'
                '<rect x="500" y="260" width="24" height="440" fill="{d}"/>',
    "pen": '<path d="M560 250 600 290 300 690 250 720 270 660Z" fill="{c}"/>'
           '<path d="M540 270 580 310" stroke="{d}" stroke-width="30"/>',
    "card": '<rect x="220" y="330" width="300" height="380" rx="10" fill="{d}"/>'
            '<rect x="290" y="280" width="300" height="380" rx="10" fill="{c}"/>',
    "beanie": '<path d="M250 600Q250 320 400 320 550 320 550 600Z" fill="{c}"/>'
              '<rect x="230" y="580" width="340" height="110" rx="24" fill="{d}"/>',
    "scarf": '<path d="M320 240H480V560L520 760H420L400 600 380 760H280L320 560Z" fill="{c}"/>'
             '<path d="M320 300H480" stroke="{d}" stroke-width="16"/>',
    "cap": '<path d="M250 560Q250 360 400 360 550 360 550 560Z" fill="{c}"/>'
           '<path d="M240 560H640Q640 600 540 610H240Z" fill="{d}"/>',
    "gloves": '<path d="M300 420V330Q300 300 325 300 350 300 350 330V400 290Q350 260 375 260 400 '
              '260 400 290V400 300Q400 270 425 270 450 270 450 300V420L500 380Q530 360 545 385 '
              '555 405 520 440L470 520V720H310Z" fill="{c}"/>'
              '<rect x="310" y="650" width="160" height="70" fill="{d}"/>',
    "glasses": '<circle cx="290" cy="500" r="100" fill="{c}" stroke="{d}" stroke-width="20"/>'
               '<circle cx="510" cy="500" r="100" fill="{c}" stroke="{d}" stroke-width="20"/>'
               '<path d="M390 490Q400 470 410 490" fill="none" stroke="{d}" stroke-width="16"/>',
}


def shade(color: str, factor: float) -> str:
    """`color` (#rrggbb) moved towards black (factor < 1) or white (factor > 1)."""
    channels = [int(color[i : i + 2], 16) for i in (1, 3, 5)]
    if factor < 1:
        channels = [round(c * factor) for c in channels]
    else:
        channels = [round(c + (255 - c) * (factor - 1)) for c in channels]
    return "#" + "".join(f"{c:02x}" for c in channels)


def product_svg(kind: str, color: str, title: str, background: str) -> str:
    drawing = SHAPES[kind].format(c=color, d=shade(color, 0.7))
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="800" height="1000" '
        f'viewBox="0 0 800 1000" role="img"><title>{escape(title)}</title>'
        f'<rect width="800" height="1000" fill="{background}"/>{drawing}'
        '<ellipse cx="400" cy="800" rx="220" ry="18" fill="#000" opacity=".07"/></svg>\n'
    )


def collection_svg(title: str, kinds: list[str], colors: list[str], background: str) -> str:
    """A landscape banner: three of the collection's products side by side."""
    groups = []
    for position, (kind, color) in enumerate(zip(kinds[:3], colors[:3], strict=False)):
        drawing = SHAPES[kind].format(c=color, d=shade(color, 0.7))
        groups.append(
            f'<g transform="translate({80 + position * 360} 40) scale(0.5)">{drawing}</g>'
        )
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="600" '
        f'viewBox="0 0 1200 600" role="img"><title>{escape(title)}</title>'
        f'<rect width="1200" height="600" fill="{background}"/>{"".join(groups)}'
        f'<text x="600" y="560" text-anchor="middle" font-family="Georgia, serif" '
        f'font-size="44" fill="#2b2b2b">{escape(title)}</text></svg>\n'
    )


def article_svg(title: str, kinds: list[str], colors: list[str], background: str) -> str:
    """A journal picture (1200 x 800): a few of the catalog's things on a table, a low sun."""
    step = 900 // len(kinds)
    groups = []
    for position, (kind, color) in enumerate(zip(kinds, colors, strict=True)):
        drawing = SHAPES[kind].format(c=color, d=shade(color, 0.7))
        x = 150 + position * step + (step - 480) // 2
        groups.append(f'<g transform="translate({x} 120) scale(0.6)">{drawing}</g>')
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="800" '
        f'viewBox="0 0 1200 800" role="img"><title>{escape(title)}</title>'
        f'<rect width="1200" height="800" fill="{background}"/>'
        f'<circle cx="1010" cy="170" r="110" fill="#e9a23b" opacity=".35"/>'
        f'<rect y="575" width="1200" height="225" fill="{shade(background, 0.86)}"/>'
        f'{"".join(groups)}</svg>\n'
    )


LOGO = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="240" height="60" viewBox="0 0 240 60" '
    'role="img"><title>Fernwood</title>'
    '<path d="M30 52C8 40 8 14 30 6 52 14 52 40 30 52Z" fill="#2f4a3a"/>'
    '<path d="M30 50V14M30 26 21 19M30 34 39 27M30 42 22 36" stroke="#e9e1d4" stroke-width="2.5" '
    'fill="none" stroke-linecap="round"/>'
    '<text x="62" y="41" font-family="Georgia, serif" font-size="30" fill="#2f4a3a">Fernwood</text>'
    '</svg>\n'
)

HERO = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="1600" height="700" viewBox="0 0 1600 700" '
    'role="img"><title>Fernwood: natural goods, made slowly</title>'
    '<rect width="1600" height="700" fill="#e9e1d4"/>'
    '<circle cx="1240" cy="250" r="160" fill="#e9a23b" opacity=".55"/>'
    '<path d="M0 520Q300 380 620 480T1200 440 1600 470V700H0Z" fill="#a3b18a"/>'
    '<path d="M0 590Q400 500 800 580T1600 560V700H0Z" fill="#2f4a3a"/>'
    '<g fill="#2f4a3a"><path d="M220 520C160 470 170 360 230 300 290 360 300 470 240 520Z"/>'
    '<path d="M330 500C290 460 295 390 340 350 385 390 390 460 350 500Z"/>'
    '<path d="M1400 520C1350 470 1360 380 1410 330 1460 380 1470 470 1420 520Z"/></g></svg>\n'
)
