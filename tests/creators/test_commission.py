"""The creator file's [commission]: a percentage or a fixed amount per order, read exactly,
every mistake reported with the key it is under."""

from __future__ import annotations

import pickle
from decimal import Decimal

import pytest

from storefront.creators.model import Commission
from storefront.creators.registry import Registry
from storefront.creators.validate import check_file, label_of, scan_context
from tests.creators import make_app, problems_of, write

NAME = 'name = "Maya Rivers"\n'


def creator_of(folder, text):
    path = write(folder, "maya", NAME + text)
    creator, problems = check_file(path, scan_context(folder), label_of(folder, path.name))
    assert problems == []
    return creator


@pytest.mark.parametrize(("line", "percent", "rule"), [
    ("percent = 15", Decimal(15), "percent:15"),
    ("percent = 12.5", Decimal("12.5"), "percent:12.5"),
    ('percent = "12.5"', Decimal("12.5"), "percent:12.5"),
    ("percent = 0", Decimal(0), "percent:0"),
    ("percent = 100", Decimal(100), "percent:100"),
    ("percent = 0.1", Decimal("0.1"), "percent:0.1"),  # a TOML float, read as written
])
def test_a_percentage_of_net_sales(folder, line, percent, rule):
    creator = creator_of(folder, f"[commission]\n{line}\n")
    assert creator.commission == Commission(percent=percent)
    assert creator.commission.rule == rule


@pytest.mark.parametrize(("line", "amount", "rule"), [
    ('per_order = "5.00"', Decimal("5.00"), "per_order:5.00"),
    ("per_order = 5", Decimal(5), "per_order:5"),
    ("per_order = 2.5", Decimal("2.5"), "per_order:2.5"),
    ('per_order = "-0"', Decimal(0), "per_order:0"),
])
def test_a_fixed_amount_per_order(folder, line, amount, rule):
    creator = creator_of(folder, f"[commission]\n{line}\n")
    assert creator.commission == Commission(per_order=amount)
    assert creator.commission.rule == rule


def test_a_file_without_commission_keeps_the_shops_default(folder):
    assert creator_of(folder, "").commission is None


def test_a_creator_with_commission_pickles(folder):
    # Creators may be kept in a shared cache (Redis pickles them).
    creator = creator_of(folder, '[commission]\nper_order = "5.00"\n')
    assert pickle.loads(pickle.dumps(creator)).commission == creator.commission


@pytest.mark.parametrize(("text", "problem"), [
    ('[commission]\npercent = 15\nper_order = "5.00"\n',
     "commission: set either percent (of net sales, e.g. 15) or per_order (a fixed amount "
     'per order, e.g. "5.00"), not both'),
    ("[commission]\n",
     "commission: set either percent (of net sales, e.g. 15) or per_order (a fixed amount "
     'per order, e.g. "5.00")'),
    ("commission = 15\n", "commission: must be a table ([commission]), not a whole number"),
    ("[commission]\npercent = 101\n", "commission.percent: must be between 0 and 100, not 101"),
    ("[commission]\npercent = -1\n", "commission.percent: must be between 0 and 100, not -1"),
    ('[commission]\npercent = "15%"\n', "commission.percent: '15%' is not a number"),
    ('[commission]\npercent = "NaN"\n', "commission.percent: 'NaN' is not a number"),
    ("[commission]\npercent = inf\n", "commission.percent: inf is not a number"),
    ("[commission]\npercent = true\n",
     'commission.percent: must be a number like 12.5 or "12.5", not true/false'),
    ("[commission]\npercent = [15]\n",
     'commission.percent: must be a number like 12.5 or "12.5", not a list'),
    ("[commission]\npercent = 12.34567\n",
     "commission.percent: 12.34567 has more than 4 decimal places"),
    ('[commission]\nper_order = "-5.00"\n',
     "commission.per_order: must be an amount between 0 and 1000000, not -5.00"),
    ('[commission]\nper_order = "five"\n', "commission.per_order: 'five' is not a number"),
    ('[commission]\nper_order = "1e9"\n',
     "commission.per_order: must be an amount between 0 and 1000000, not 1000000000"),
])
def test_each_mistake_has_its_message(folder, text, problem):
    assert problems_of(folder, "maya", NAME + text) == [f"creators/maya.toml: {problem}"]


def test_a_misspelt_key_is_named_with_a_suggestion(folder):
    assert problems_of(folder, "maya", NAME + "[commission]\npercnt = 15\n") == [
        "creators/maya.toml: unknown key 'commission.percnt' (did you mean "
        "'commission.percent'?)",
        "creators/maya.toml: commission: set either percent (of net sales, e.g. 15) or "
        'per_order (a fixed amount per order, e.g. "5.00")',
    ]
    assert problems_of(folder, "maya", NAME + "[comission]\npercent = 15\n") == [
        "creators/maya.toml: unknown key 'comission' (did you mean 'commission'?)"]


def test_check_reports_commission_mistakes(folder):
    write(folder, "maya", NAME + "[commission]\npercent = 150\n")
    write(folder, "leo", 'name = "Leo"\n[commission]\nper_order = "5.00"\n')
    result = make_app(folder).test_cli_runner().invoke(args=["creators", "check"])
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "creators/maya.toml: commission.percent: must be between 0 and 100, not 150",
        "1 problem in 1 file",
    ]


def test_the_starter_file_shows_commission_and_its_example_validates(folder):
    result = make_app(folder).test_cli_runner().invoke(args=["creators", "new", "maya"])
    assert result.exit_code == 0, result.output
    text = (folder / "maya.toml").read_text()
    assert "# [commission]\n# percent = 15\n" in text and 'per_order = "5.00"' in text
    write(folder, "maya", text.replace("# [commission]\n# percent = 15\n",
                                       "[commission]\npercent = 15\n"))
    registry = Registry(folder)
    registry.load()
    assert registry.problems == []
    assert registry.get("maya").commission == Commission(percent=Decimal(15))


def test_the_starter_file_shows_legacy_ids_and_its_example_validates(folder):
    result = make_app(folder).test_cli_runner().invoke(args=["creators", "new", "maya"])
    assert result.exit_code == 0, result.output
    text = (folder / "maya.toml").read_text()
    assert '# [legacy_ids]\n# uppromote = "1234567"\n' in text
    write(folder, "maya", text.replace('# [legacy_ids]\n# uppromote = "1234567"\n',
                                       '[legacy_ids]\nuppromote = "1234567"\n'))
    registry = Registry(folder)
    registry.load()
    assert registry.problems == []
    assert registry.get("maya").legacy_ids == (("uppromote", "1234567"),)
