"""What a variant picker reads from a product: which combinations exist, which sell,
the variants one choice away, and unit prices."""

from __future__ import annotations

from storefront.demo_shop.catalog import Product, Variant
from storefront.demo_shop.money import round_cents
from storefront.demo_shop.resolvers import registry
from storefront.demo_shop.resolvers.catalog import match_options, resolve_selected_or_first
from storefront.demo_shop.resolvers.where import where
from storefront.demo_shop.variant_encoding import encode

field = registry.field


def positions(product: Product, variant: Variant) -> tuple[int, ...]:
    """The variant as the positions of its values in the product's options."""
    return tuple(
        option.values.index(value)
        for option, (_, value) in zip(product.options, variant.options, strict=True)
    )


@field("Product", "encodedVariantExistence")
def resolve_existence(product: Product, info):
    return encode(positions(product, v) for v in product.variants)


@field("Product", "encodedVariantAvailability")
def resolve_availability(product: Product, info):
    return encode(positions(product, v) for v in product.variants if v.available)


@field("Product", "adjacentVariants")
def resolve_adjacent(
    product: Product,
    info,
    selectedOptions=None,
    ignoreUnknownOptions=True,
    caseInsensitiveMatch=False,
):
    """Variants whose options differ from the selection in exactly one, by id.

    A selection naming every option is the reference even if no variant has it;
    a partial one (or none) stands for the variant Shopify would pick for it.
    """
    chosen = match_options(
        product,
        selectedOptions or [],
        ignore_unknown=bool(ignoreUnknownOptions),
        case_insensitive=bool(caseInsensitiveMatch),
    )
    if chosen is None:  # an unknown option or value, not ignored
        return []
    if len(chosen) < len(product.options):
        picked = resolve_selected_or_first(
            product,
            info,
            selectedOptions=selectedOptions,
            ignoreUnknownOptions=ignoreUnknownOptions,
            caseInsensitiveMatch=caseInsensitiveMatch,
        )
        chosen = dict(picked.options)
    adjacent = [
        v for v in product.variants
        if sum(chosen[name] != value for name, value in v.options) == 1
    ]
    return sorted(adjacent, key=lambda v: v.id)


@field("ProductVariant", "unitPrice")
def resolve_unit_price(variant: Variant, info):
    measure, place = variant.unit_measure, where(info)
    if measure is None:
        return None
    return place.money(round_cents(measure.unit_price(place.market.price(variant))))


@field("ProductVariant", "unitPriceMeasurement")
def resolve_unit_measurement(variant: Variant, info):
    measure = variant.unit_measure
    if measure is None:
        return None
    return {
        "measuredType": measure.measured_type,
        "quantityValue": float(measure.quantity_value),
        "quantityUnit": measure.quantity_unit,
        "referenceValue": measure.reference_value,
        "referenceUnit": measure.reference_unit,
    }
