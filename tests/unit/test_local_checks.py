"""Local checks (`[[checks.local]]`, CONTRACT.md) in the pure rules: validation, order, scope, and the
status rules of FPPT.md section 4 applied to a record's own expiry date."""
import re
from datetime import date

import pytest

from checks import CHECK_CODES, MemberFacts, Record, Rules, check_status, member_status
from checks.catalogue import LocalCheckError, with_local_checks

INTERESTS = {"code": "interests_review", "label": "Declared interests review", "applies_to": "all",
             "validity_months": 12}
RIGHT_TO_WORK = {"code": "right_to_work_limited", "label": "Time-limited right to work", "applies_to": "all",
                 "expiry": "per_record", "regulation5": True}
OVERSEAS = {"code": "overseas_police", "label": "Overseas police check", "applies_to": "executive",
            "validity_months": 0}
CONSTITUTION = {"code": "constitution", "label": "Constitution criteria", "applies_to": "non_executive",
                "validity_months": 12}


def rules(*entries):
    return Rules(catalogue=with_local_checks(entries))


def test_local_checks_follow_the_standard_ones_in_configuration_order():
    codes = rules(OVERSEAS, INTERESTS).codes
    assert codes == (*CHECK_CODES, "overseas_police", "interests_review")
    status = member_status(MemberFacts(date(2020, 1, 1)), {}, date(2026, 6, 30), rules(OVERSEAS, INTERESTS))
    assert list(status.checks) == list(codes)


@pytest.mark.parametrize("entry, where", [
    ({**INTERESTS, "code": "dbs"}, "checks.local[1].code"),
    ({**INTERESTS, "code": "Bad Code"}, "checks.local[1].code"),
    ({**INTERESTS, "applies_to": "everyone"}, "checks.local[1].applies_to"),
    ({**INTERESTS, "validity_months": -1}, "checks.local[1].validity_months"),
    ({**INTERESTS, "validity_months": "12"}, "checks.local[1].validity_months"),
    ({**INTERESTS, "validity_months": True}, "checks.local[1].validity_months"),
    ({**INTERESTS, "expiry": "per_record"}, "checks.local[1].validity_months"),
    ({**RIGHT_TO_WORK, "expiry": "yearly"}, "checks.local[1].expiry"),
    ({**INTERESTS, "regulation5": "yes"}, "checks.local[1].regulation5"),
    ({**INTERESTS, "label": " "}, "checks.local[1].label"),
    ({**INTERESTS, "label": "DBS check"}, "checks.local[1].label"),
    ({**INTERESTS, "colour": "red"}, "checks.local[1].colour"),
])
def test_a_malformed_local_check_names_its_entry_and_key(entry, where):
    with pytest.raises(LocalCheckError, match="^" + re.escape(where)):
        with_local_checks([entry])


def test_two_local_checks_cannot_share_a_code_or_a_label():
    with pytest.raises(LocalCheckError, match=r"checks.local\[2\].code"):
        with_local_checks([INTERESTS, {**OVERSEAS, "code": INTERESTS["code"]}])
    with pytest.raises(LocalCheckError, match=r"checks.local\[2\].label"):
        with_local_checks([INTERESTS, {**OVERSEAS, "label": "declared INTERESTS review"}])


def test_executive_and_non_executive_checks_apply_to_whom_they_say():
    r = rules(OVERSEAS, CONSTITUTION)
    day = date(2026, 6, 30)
    executive = MemberFacts(date(2020, 1, 1), is_executive=True)
    non_executive = MemberFacts(date(2020, 1, 1), is_executive=False)
    assert check_status("overseas_police", executive, [], day, r).status == "missing"
    assert check_status("overseas_police", non_executive, [], day, r).status == "not_required"
    assert check_status("constitution", non_executive, [], day, r).status == "missing"
    assert check_status("constitution", executive, [], day, r).status == "not_required"


def test_a_once_only_local_check_never_expires():
    status = check_status("overseas_police", MemberFacts(date(2020, 1, 1), is_executive=True),
                          [Record(date(2020, 2, 1))], date(2030, 1, 1), rules(OVERSEAS))
    assert (status.status, status.expires_on) == ("valid", None)


# FPPT.md section 4 with the record's own expiry (as of 30/06/2026, warning window 60 days).
AS_OF = date(2026, 6, 30)


@pytest.mark.parametrize("records, status, expires_on", [
    ([], "missing", None),
    ([Record(date(2026, 1, 10), expires_on=date(2027, 1, 31))], "valid", date(2027, 1, 31)),
    ([Record(date(2026, 1, 10), expires_on=date(2026, 8, 29))], "due_soon", date(2026, 8, 29)),  # day 60
    ([Record(date(2026, 1, 10), expires_on=date(2026, 8, 30))], "valid", date(2026, 8, 30)),     # day 61
    ([Record(date(2026, 1, 10), expires_on=AS_OF)], "due_soon", AS_OF),  # the last valid day
    ([Record(date(2026, 1, 10), expires_on=date(2026, 6, 29))], "expired", date(2026, 6, 29)),
    ([Record(date(2026, 1, 10), "issue", expires_on=date(2027, 1, 31))], "concern", None),
    ([Record(date(2026, 1, 10), "not_applicable")], "valid", None),
    # The latest record counts, whatever the earlier one stated.
    ([Record(date(2025, 1, 10), expires_on=date(2030, 1, 1)), Record(date(2026, 1, 10), expires_on=date(2026, 3, 1))],
     "expired", date(2026, 3, 1)),
    # A record from before the check was per-record states no expiry: valid only on its own day.
    ([Record(date(2026, 1, 10))], "expired", date(2026, 1, 10)),
    # A record completed after the as-of date does not count yet.
    ([Record(date(2026, 7, 1), expires_on=date(2028, 1, 1))], "missing", None),
])
def test_a_per_record_check_follows_the_records_own_expiry(records, status, expires_on):
    found = check_status("right_to_work_limited", MemberFacts(date(2020, 1, 1)), records, AS_OF, rules(RIGHT_TO_WORK))
    assert (found.status, found.expires_on) == (status, expires_on)


def test_a_regulation_5_local_check_joins_the_regulation_5_codes():
    assert "right_to_work_limited" in rules(RIGHT_TO_WORK, INTERESTS).regulation_5_codes
    assert "interests_review" not in rules(RIGHT_TO_WORK, INTERESTS).regulation_5_codes


def test_a_local_check_is_found_by_code_or_label_and_a_retired_code_says_so():
    r = rules(INTERESTS)
    assert r.find("  declared interests REVIEW ").code == "interests_review"
    assert r.find("interests_review").code == "interests_review"
    assert r.label("interests_review") == "Declared interests review"
    assert r.label("old_local") == "old_local (retired check)"
