from datetime import date


def test_secretary_sees_the_board_and_records_a_check(client, login, create_member):
    login("secretary")
    member = create_member(name="Ada Lovelace")
    assert b"Ada Lovelace" in client.get("/board").data
    response = client.post(f"/members/{member.id}/checks/new", data={
        "code": "insolvency", "completed_on[day]": "1", "completed_on[month]": "3", "completed_on[year]": "2024",
        "outcome": "clear", "searched_name": "Ada Lovelace", "searched_dob[day]": "10",
        "searched_dob[month]": "12", "searched_dob[year]": "1815", "searched_by": "The secretary"})
    assert response.status_code == 302
    page = client.get(f"/members/{member.id}").data.decode()
    assert "01/03/2024" in page


def test_cli_status_json(runner, create_member, create_record):
    member = create_member(member_id="A01", start_on=date(2024, 1, 1))
    create_record(member, "dbs", date(2024, 5, 1))
    result = runner("status", "--as-of", "2026-06-30", "--format", "json")
    assert result.exit_code == 0, result.output
    assert '"A01"' in result.output
