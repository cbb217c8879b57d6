"""/admin/creators flags a creator whose code failed the check against the shop."""

from __future__ import annotations

import time

from storefront.creators import shop_check
from storefront.creators.code_checks import checks_of
from tests.admin.conftest import get


def test_a_failing_code_is_flagged(app, client):
    registry = app.extensions["creators"]
    maya, june = registry.get("maya"), registry.get("june")
    results = [
        shop_check.Result("maya", maya.discount.code, shop_check.MISSING,
                          "does not exist in the shop (DISCOUNT_NOT_FOUND)", time.time()),
        shop_check.Result("june", june.discount.code, shop_check.OK, "applies", time.time()),
    ]
    with app.app_context():
        checks_of(app).save({"maya": maya, "june": june}, results)
    body = get(client, "/admin/creators?all=1").get_data(as_text=True)
    maya_row = body.split('data-creator="maya"')[1].split("</tr>")[0]
    june_row = body.split('data-creator="june"')[1].split("</tr>")[0]
    assert 'data-code-check="missing"' in maya_row
    assert "Code does not apply: does not exist in the shop (DISCOUNT_NOT_FOUND)" in maya_row
    assert "data-code-check" not in june_row
