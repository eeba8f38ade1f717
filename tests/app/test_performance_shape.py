"""The board overview issues a fixed number of queries, whatever the size of the board (no N+1)."""
from datetime import date


def _board(create_member, create_record, size):
    for _ in range(size):
        member = create_member(start_on=date(2016, 4, 1))
        for year in range(2016, 2026):
            create_record(member, "insolvency", date(year, 5, 1))
            create_record(member, "self_attestation", date(year, 5, 2))


def test_overview_query_count_does_not_grow_with_the_board(client, login, create_member, create_record,
                                                           count_queries):
    login("auditor")
    _board(create_member, create_record, 3)
    with count_queries() as small:
        assert client.get("/board?as_of=2026-06-30").status_code == 200
    _board(create_member, create_record, 22)
    with count_queries() as large:
        assert client.get("/board?as_of=2026-06-30").status_code == 200
    assert small["n"] == large["n"]
    assert large["n"] <= 4  # the user, the members, their records (and nothing per member)
