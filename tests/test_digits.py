"""Digit runs split by the template's identities: every expected value worked out by hand.

The hand enumerations are in the comments next to each case, so a reader can check them
without running the code.
"""
from __future__ import annotations

import math

import pytest

from pipelines.digits import LIMIT, splits, resolve_table
from pipelines.template import APPLICATION_ROWS

ZERO7 = (0, 0, 0, 0, 0, 0, 0)
# "110000112" into 7 cells has 7 cuts (3 with one 3-digit piece, 4 with two 2-digit
# pieces); only these two add the six applicant columns up to the total (12):
A = (11, 0, 0, 0, 0, 1, 12)
B = (1, 10, 0, 0, 0, 1, 12)
AMBIGUOUS = "110000112"


def zero_table(template: str = "2021", **rows: object) -> dict[str, object]:
    """A table 三 read fine as all zeros, with some rows replaced."""
    table: dict[str, object] = {key: ZERO7 for key in APPLICATION_ROWS[template]}
    table.update(rows)
    return table


# --- splits ----------------------------------------------------------------------------


def test_splits_skip_leading_zeros():
    # "1"|"203", "12"|"03" (leading zero), "120"|"3"
    assert list(splits("1203", 2)) == [(1, 203), (120, 3)]
    # "1"|"00" has a leading zero; "10"|"0" is the one cut
    assert list(splits("100", 2)) == [(10, 0)]


def test_splits_zero_is_its_own_cell():
    assert list(splits("000", 3)) == [(0, 0, 0)]
    assert list(splits("0000", 3)) == []


def test_splits_too_short_gives_nothing():
    assert list(splits("12", 3)) == []


def test_splits_bounded_by_max_cell():
    assert list(splits("999", 1, max_cell=99)) == []
    # "1"|"999" (999 > 200), "19"|"99", "199"|"9"
    assert list(splits("1999", 2, max_cell=200)) == [(19, 99), (199, 9)]


def test_splits_counts_every_cut():
    assert len(list(splits(AMBIGUOUS, 7))) == 7
    assert [c for c in splits(AMBIGUOUS, 7) if sum(c[:6]) == c[6]] == [B, A]


def test_splits_of_nothing():
    assert list(splits("", 0)) == [()]
    assert list(splits("", 1)) == []


def test_splits_refuse_a_non_digit_run():
    with pytest.raises(ValueError):
        splits("12a", 2)


# --- table 三: the row total -------------------------------------------------------------


def test_unique_by_row_total():
    # "120000012": 12|0|0|0|0|0|12 holds; 1|20|0|0|0|0|12 (21 != 12), 120|0|0|0|0|1|2
    # and 1|200|0|0|0|1|2 do not; no other cut avoids a leading zero
    got = resolve_table({"granted": "120000012"}, "2021", "applications")
    assert got.values == {"granted": (12, 0, 0, 0, 0, 0, 12)}
    assert got.notes == {"granted": "digits '120000012' split by the row total"}
    assert got.reasons == {}


def test_one_digit_per_cell_rows():
    got = resolve_table(
        {"granted": "5100006", "new_received": "1200003"}, "2019", "applications"
    )
    assert got.values == {"granted": (5, 1, 0, 0, 0, 0, 6), "new_received": (1, 2, 0, 0, 0, 0, 3)}
    assert got.reasons == {}


def test_all_zeros():
    got = resolve_table({"carried_over": "0000000"}, "2021", "applications")
    assert got.values == {"carried_over": ZERO7}
    assert got.cells("carried_over")["total"] == 0
    assert got.reasons == {}


def test_truly_ambiguous_leaves_cells_blank():
    got = resolve_table({"granted": AMBIGUOUS}, "2021", "applications")
    # A and B agree from research_institution on
    assert got.values == {"granted": (None, None, 0, 0, 0, 1, 12)}
    assert got.reasons == {
        "granted": "digits '110000112' split 2 ways that satisfy the row total; 2 cells left blank"
    }
    assert got.notes == {}


def test_only_cut_failing_the_row_total_is_not_taken():
    # 7 digits, 7 cells: 1|2|0|0|0|0|4, and 1 + 2 != 4
    got = resolve_table({"granted": "1200004"}, "2021", "applications")
    assert got.values == {"granted": (None,) * 7}
    assert "satisfies the row total" in got.reasons["granted"]


def test_run_too_short():
    got = resolve_table({"granted": "12345"}, "2021", "applications")
    assert got.values == {"granted": (None,) * 7}
    assert got.reasons["granted"] == (
        "digits '12345' (5 digits) are too few for 7 cells; cells left blank"
    )


def test_run_too_long():
    # nine zeros: each "0" must be a cell of its own, and there are only seven cells
    got = resolve_table({"granted": "000000000"}, "2021", "applications")
    assert got.values == {"granted": (None,) * 7}
    assert "leading zero" in got.reasons["granted"]


def test_not_a_digit_run():
    got = resolve_table({"granted": "12-3"}, "2021", "applications")
    assert got.values == {"granted": (None,) * 7}
    assert "not a digit run" in got.reasons["granted"]


def test_twenty_digits_give_up():
    # no zero, so every one of C(19, 6) = 27132 cuts is valid: more than LIMIT (10,000)
    run = "12345678912345678912"
    got = resolve_table({"granted": run}, "2021", "applications")
    assert math.comb(19, 6) == 27132 > LIMIT  # the premise: more cuts than the search allows
    assert got.values == {"granted": (None,) * 7}
    assert "given up" in got.reasons["granted"]


# --- table 三: the column sums across rows ------------------------------------------------


def test_column_sums_choose_between_row_total_splits():
    # results: granted = total_processed (other result rows 0), so only A, not B (1 != 11)
    table = zero_table(granted=AMBIGUOUS, total_processed=A, new_received=A)
    got = resolve_table(table, "2021", "applications")
    assert got.values["granted"] == A
    assert got.values["total_processed"] == A
    assert got.notes == {
        "granted": "digits '110000112' split by the row total and the column sums"
    }
    assert got.reasons == {}


def test_column_sums_decide_two_open_rows():
    # granted and total_processed both A or B; results force them equal, balance
    # (new_received A + carried_over 0 = total_processed + carried_forward 0) forces A
    table = zero_table("2019", granted=AMBIGUOUS, total_processed=AMBIGUOUS, new_received=A)
    got = resolve_table(table, "2019", "applications")
    assert got.values["granted"] == A
    assert got.values["total_processed"] == A
    assert got.reasons == {}


def test_column_sums_that_leave_two_ways():
    # total_processed (12, 10, 0, 0, 0, 2, 24): granted + partially_granted is A+B or B+A
    # (A+A gives 22 natural persons, B+B gives 2), so both rows stay open
    both = (12, 10, 0, 0, 0, 2, 24)
    table = zero_table(
        granted=AMBIGUOUS, partially_granted=AMBIGUOUS, total_processed=both, new_received=both
    )
    got = resolve_table(table, "2021", "applications")
    assert got.values["granted"] == (None, None, 0, 0, 0, 1, 12)
    assert got.values["partially_granted"] == (None, None, 0, 0, 0, 1, 12)
    assert got.reasons["granted"] == (
        "digits '110000112' split 2 ways that satisfy the row total and the column sums; "
        "2 cells left blank"
    )


def test_column_sums_that_no_split_satisfies():
    # total_processed has 5 natural persons; granted gives 11 (A) or 1 (B)
    other = (5, 0, 0, 0, 0, 1, 6)
    table = zero_table(granted=AMBIGUOUS, total_processed=other, new_received=other)
    got = resolve_table(table, "2021", "applications")
    assert got.values["granted"] == (None, None, 0, 0, 0, 1, 12)
    assert "no combination" in got.reasons["granted"]


def test_blank_cells_make_column_sums_unassessable():
    # total_processed blank in natural_person and commercial_enterprise: nothing to prune
    blank = (None, None, 0, 0, 0, 1, 12)
    table = zero_table(granted=AMBIGUOUS, total_processed=blank, new_received=A)
    got = resolve_table(table, "2021", "applications")
    assert got.values["granted"] == (None, None, 0, 0, 0, 1, 12)
    assert got.values["total_processed"] == blank


def test_too_many_combinations_are_not_tried():
    # 14 result rows with 2 row-total cuts each: 2 ** 14 = 16384 combinations > 10,000
    open_rows = [k for k in APPLICATION_ROWS["2021"]][2:16]
    table = zero_table(**{k: AMBIGUOUS for k in open_rows})
    got = resolve_table(table, "2021", "applications")
    assert len(open_rows) == 14
    for key in open_rows:
        assert got.values[key] == (None, None, 0, 0, 0, 1, 12)
        assert "not tried" in got.reasons[key]


def test_rows_read_fine_pass_through():
    got = resolve_table({"granted": (1, None, 0, 0, 0, 0, 1)}, "2021", "applications")
    assert got.values == {"granted": (1, None, 0, 0, 0, 0, 1)}
    assert got.reasons == {} and got.notes == {}


def test_bad_input_is_refused():
    with pytest.raises(ValueError):
        resolve_table({"granted": (1, 2)}, "2021", "applications")
    with pytest.raises(ValueError):
        resolve_table({"other_processing": "0000000"}, "2021", "applications")
    with pytest.raises(ValueError):
        resolve_table({"granted": "0000000"}, "2021", "table_five")
    with pytest.raises(ValueError):
        resolve_table({"granted": "0000000"}, "2018", "applications")


# --- table 四 ----------------------------------------------------------------------------


def test_review_row_unique_by_total():
    # "1020012" into 5: 10|2|0|0|12 holds; 10|20|0|1|2, 1|0|20|0|12, 102|0|0|1|2 and
    # 1|0|200|1|2 do not
    got = resolve_table({"review": "1020012", "litigation_direct": "10012"}, "2021",
                        "review_litigation")
    assert got.values == {"review": (10, 2, 0, 0, 12), "litigation_direct": (1, 0, 0, 1, 2)}
    assert got.cells("review") == {"upheld": 10, "corrected": 2, "other": 0, "pending": 0,
                                   "total": 12}
    assert got.reasons == {}


def test_review_row_ambiguous():
    # "1100011" into 5: 11|0|0|0|11 and 1|10|0|0|11 both hold
    got = resolve_table({"litigation_after_review": "1100011"}, "2019", "review_litigation")
    assert got.values == {"litigation_after_review": (None, None, 0, 0, 11)}
    assert got.reasons == {"litigation_after_review": (
        "digits '1100011' split 2 ways that satisfy the row total; 2 cells left blank"
    )}


def test_review_all_zeros():
    got = resolve_table({"review": "00000"}, "2021", "review_litigation")
    assert got.values == {"review": (0, 0, 0, 0, 0)}


# --- table 二 ----------------------------------------------------------------------------


def test_active_run_longer_than_columns_is_left_blank():
    got = resolve_table({"normative_documents": "898989"}, "2019", "active_disclosure")
    assert got.values == {"normative_documents": (None, None, None)}
    assert "no identity" in got.reasons["normative_documents"]


def test_active_one_digit_per_cell_is_flagged():
    got = resolve_table({"rules": "898"}, "2021", "active_disclosure")
    assert got.values == {"rules": (8, 9, 8)}
    assert "assumption" in got.reasons["rules"]
    assert got.cells("rules") == {"issued": 8, "repealed": 9, "in_force": 8}


def test_active_one_column_row_is_its_cell():
    got = resolve_table({"licensing": "15", "fees": "05"}, "2021", "active_disclosure")
    assert got.values == {"licensing": (15,), "fees": (None,)}
    assert "licensing" not in got.reasons
    assert "leading zero" in got.reasons["fees"]


def test_active_2019_procurement_two_columns():
    got = resolve_table({"procurement": "30"}, "2019", "active_disclosure")
    assert got.values == {"procurement": (3, 0)}
    assert "procurement" in got.reasons
