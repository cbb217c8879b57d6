"""A creator's offer: declared in `[offer]`, checked key by key, and priced as Shopify would."""

from __future__ import annotations

import pickle
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from storefront.creators import offers
from storefront.creators.fields import Context
from storefront.creators.model import Creator, Discount, Offer
from storefront.creators.validate import check_data
from tests.creators import problems_of

NOW = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)


def data_of(offer: dict | None, code: str | None = "NORA10") -> dict:
    data: dict = {"name": "Nora"}
    if code is not None:
        data["discount"] = {"code": code}
    if offer is not None:
        data["offer"] = offer
    return data


def offer_of(offer: dict | None) -> Offer | None:
    creator, problems = check_data("nora", data_of(offer), Context())
    assert not problems, problems
    return creator.discount.offer


def problems(offer: dict, code: str | None = "NORA10") -> list[str]:
    creator, found = check_data("nora", data_of(offer, code), Context())
    assert creator is None
    return found


# Declaring --------------------------------------------------------------------------------------


def test_a_code_and_a_label_alone_declare_no_offer():
    creator, found = check_data(
        "nora", {"name": "Nora", "discount": {"code": "NORA10", "label": "10% off"}}, Context())
    assert found == [] and creator.discount.offer is None


def test_every_offer_key_is_read():
    offer = offer_of({
        "percent": 12.5, "collections": ["apparel", "bags"],
        "products": ["linen-pouch"], "minimum_subtotal": "50",
        "starts_at": datetime(2026, 6, 1, 9, 0, tzinfo=timezone(timedelta(hours=-4))),
        "ends_at": "2026-07-01T00:00:00Z",
    })
    assert offer == Offer(
        percent=Decimal("12.5"), collections=("apparel", "bags"), products=("linen-pouch",),
        minimum_subtotal=Decimal("50"),
        starts_at=datetime(2026, 6, 1, 13, 0, tzinfo=UTC), ends_at=datetime(2026, 7, 1, tzinfo=UTC))
    assert offer_of({"amount": "10.00"}) == Offer(amount=Decimal("10.00"))


@pytest.mark.parametrize(("written", "read"), [
    (datetime(2026, 6, 1, 9, 30), datetime(2026, 6, 1, 9, 30, tzinfo=UTC)),  # TOML local: UTC
    ("2026-06-01T09:30:00", datetime(2026, 6, 1, 9, 30, tzinfo=UTC)),
    ("2026-06-01 09:30+02:00", datetime(2026, 6, 1, 7, 30, tzinfo=UTC)),
    ("2026-06-01", datetime(2026, 6, 1, tzinfo=UTC)),  # a day: from its midnight, UTC
])
def test_dates_without_an_offset_are_utc(written, read):
    assert offer_of({"percent": 10, "starts_at": written}).starts_at == read


def test_messages_name_the_file_and_the_key(folder):
    found = problems_of(folder, "nora", """
        name = "Nora"
        [discount]
        code = "NORA10"
        [offer]
        percent = 150
        collections = "apparel"
        products = ["Linen Pouch", "linen-pouch", "linen-pouch"]
        minimum_subtotal = "12.345"
        starts_at = "next monday"
        ends_at = 12:00:00
        percentage = 10
        """)
    assert found == [
        "creators/nora.toml: unknown key 'offer.percentage' (did you mean 'offer.percent'?)",
        "creators/nora.toml: offer.percent: must be more than 0 and at most 100, not 150",
        "creators/nora.toml: offer.minimum_subtotal: '12.345' has more than 2 decimal places",
        "creators/nora.toml: offer.collections: must be a list of collection handles, "
        "not a string",
        "creators/nora.toml: offer.products: 'Linen Pouch' is not a Shopify product handle: "
        "lowercase letters and digits, words joined by '-'",
        "creators/nora.toml: offer.products: 'linen-pouch' is listed twice",
        "creators/nora.toml: offer.starts_at: 'next monday' is not a date and time like "
        "2026-06-01T09:00:00-04:00 (UTC when no offset is given)",
        "creators/nora.toml: offer.ends_at: must be a date and time like "
        "2026-06-01T09:00:00-04:00 (UTC when no offset is given), not a date or time",
    ]


@pytest.mark.parametrize(("offer", "message"), [
    ({"collections": ["apparel"]},
     'offer: set percent (e.g. 15 for 15% off) or amount (a fixed amount off, e.g. "10.00") '
     "to say what the code does"),
    ({"percent": 10, "amount": "5"},
     'offer: set either percent (e.g. 15 for 15% off) or amount (a fixed amount off, e.g. '
     '"10.00"), not both'),
    ({"percent": 0}, "offer.percent: must be more than 0 and at most 100, not 0"),
    ({"percent": "ten"}, "offer.percent: 'ten' is not a number"),
    ({"percent": True},
     'offer.percent: must be a number like 12.5 or "12.5", not true/false'),
    ({"amount": "0"}, "offer.amount: must be more than 0, not 0"),
    ({"amount": "-5"},
     "offer.amount: must be an amount between 0 and 1000000, not -5"),
    ({"amount": "5", "minimum_subtotal": "abc"},
     "offer.minimum_subtotal: 'abc' is not a number"),
    ({"percent": 10, "collections": []},
     "offer.collections: must name at least one collection (leave it out for everything)"),
    ({"percent": 10, "products": [3]},
     "offer.products: must be a list of product handles; 3 is a whole number"),
    ({"percent": 10, "starts_at": "2026-07-01T00:00:00Z",
      "ends_at": "2026-06-01T00:00:00Z"},
     "offer.ends_at: must be after starts_at (2026-07-01T00:00:00+00:00), "
     "not 2026-06-01T00:00:00+00:00"),
    ({"percent": 10, "ends_at": "2026-13-01"},
     "offer.ends_at: '2026-13-01' is not a date and time like 2026-06-01T09:00:00-04:00 "
     "(UTC when no offset is given)"),
])
def test_each_bad_value_has_its_message(offer, message):
    assert problems(offer) == [message]


def test_an_offer_without_a_discount_code_is_an_error(folder):
    assert problems_of(folder, "nora", """
        name = "Nora"
        [offer]
        percent = 10
        """) == [
        "creators/nora.toml: offer: needs the code it describes: add [discount] with "
        'code = "..." (the discount code in Shopify)',
    ]
    assert problems({"percent": 10}, code="") == ["discount.code: must not be empty"]


def test_offer_keys_belong_in_offer_not_in_discount():
    creator, found = check_data("nora", {
        "name": "Nora", "discount": {"code": "NORA10", "percent": 10}, "offer": "10%"}, Context())
    assert creator is None
    assert found == [
        "unknown key 'discount.percent' (what the code does goes in [offer]: offer.percent)",
        "offer: must be a table ([offer]), not a string",
    ]


def test_a_creator_with_an_offer_still_pickles():
    offer = offer_of({"percent": 10, "ends_at": "2026-07-01T00:00:00Z"})
    creator = Creator(handle="nora", name="Nora", discount=Discount("X", None, offer))
    assert pickle.loads(pickle.dumps(creator)) == creator


# Pricing ----------------------------------------------------------------------------------------


def price(offer: Offer, amount: str, handle: str = "organic-cotton-tee",
          collections: tuple[str, ...] = ("apparel",), now: datetime = NOW) -> Decimal | None:
    return offers.unit_price(offer, Decimal(amount), handle=handle, collections=collections,
                             now=now)


def test_a_percentage_off_everything_rounds_half_up_to_the_cent():
    assert price(Offer(percent=Decimal(15)), "38.00") == Decimal("32.30")
    assert price(Offer(percent=Decimal(15)), "0.10") == Decimal("0.08")  # 0.015 -> 0.02 off
    assert price(Offer(percent=Decimal(12)), "9.00") == Decimal("7.92")
    assert price(Offer(percent=Decimal(100)), "9.00") == Decimal("0.00")


def test_a_percentage_on_collections_reaches_their_products_only():
    offer = Offer(percent=Decimal(20), collections=("apparel",))
    assert price(offer, "38.00", collections=("frontpage", "apparel")) == Decimal("30.40")
    assert price(offer, "28.00", "stoneware-mug", ("drinkware",)) is None


def test_an_amount_on_products_comes_off_each_item_at_most_its_price():
    offer = Offer(amount=Decimal("10.00"), products=("organic-cotton-tee", "lip-balm"))
    assert price(offer, "38.00") == Decimal("28.00")
    assert price(offer, "9.00", "lip-balm", ()) == Decimal("0.00")
    assert price(offer, "88.00", "linen-shirt") is None


def test_an_amount_off_the_order_is_no_price_of_an_item():
    offer = Offer(amount=Decimal("5.00"))
    assert not offers.per_item(offer)
    assert price(offer, "38.00") is None


def test_an_item_below_the_minimum_shows_no_price():
    offer = Offer(percent=Decimal(10), minimum_subtotal=Decimal("50.00"))
    assert price(offer, "38.00") is None
    assert price(offer, "50.00") == Decimal("45.00")  # the minimum itself is enough


def test_dates_bound_the_price_start_included_end_excluded():
    start, end = NOW, NOW + timedelta(days=7)
    offer = Offer(percent=Decimal(10), starts_at=start, ends_at=end)
    second = timedelta(seconds=1)
    assert price(offer, "38.00", now=start - second) is None
    assert price(offer, "38.00", now=start) == Decimal("34.20")
    assert price(offer, "38.00", now=end - second) == Decimal("34.20")
    assert price(offer, "38.00", now=end) is None
    assert [offers.phase(offer, t) for t in (start - second, start, end)] == [
        offers.BEFORE, offers.LIVE, offers.OVER]
    assert offers.next_change(offer, start - second) == start
    assert offers.next_change(offer, start) == end
    assert offers.next_change(offer, end) is None


def test_page_keys_name_the_phase_of_a_dated_offer_only():
    plain = Creator(handle="nora", name="Nora", revision="abc",
                    discount=Discount("X", None, Offer(percent=Decimal(10))))
    assert offers.keyed(plain, NOW) is plain
    assert offers.keyed(None, NOW) is None
    dated = Creator(handle="nora", name="Nora", revision="abc", discount=Discount(
        "X", None, Offer(percent=Decimal(10), ends_at=NOW + timedelta(hours=1))))
    live = offers.keyed(dated, NOW)
    assert live.revision == "abc~offer-live" and offers.keyed(dated, NOW) is live
    assert offers.keyed(live, NOW) is live  # keyed twice is keyed once
    assert offers.keyed(dated, NOW + timedelta(hours=1)).revision == "abc~offer-over"


def test_the_starter_files_offer_example_validates(folder):
    from storefront.creators.registry import Registry
    from tests.creators import write
    from tests.creators.test_commission import make_app

    result = make_app(folder).test_cli_runner().invoke(args=["creators", "new", "maya"])
    assert result.exit_code == 0, result.output
    text = (folder / "maya.toml").read_text()
    for table in ("# [discount]\n", "# [offer]\n"):
        start = text.index(table)
        example = text[start:text.index("\n\n", start)]
        text = text.replace(example, "\n".join(
            line.removeprefix("# ") for line in example.splitlines()))
    write(folder, "maya", text)
    registry = Registry(folder)
    registry.load()
    assert registry.problems == []
    assert registry.get("maya").discount.offer == Offer(
        percent=Decimal(10), collections=("new-arrivals",), minimum_subtotal=Decimal("50.00"),
        ends_at=datetime(2027, 1, 1, 4, 59, 59, tzinfo=UTC))
