"""Every page with a year in its address takes it through one converter (fpp/converters.py): a year
outside checks.years' bounds, or not four digits, is a 404 page, never a 500; and the commands take it
through one click type."""
import pytest

from checks.years import FIRST_YEAR, LAST_YEAR

BAD_YEARS = (str(FIRST_YEAR - 1), str(LAST_YEAR + 1), "1066", "9999", "25", "20255", "twenty", "2025-26")
ANNUAL_PAGES = ("/years/{year}", "/years/{year}/declaration", "/years/{year}/members/{member}/outcome",
                "/years/{year}/declaration/sign")


@pytest.mark.parametrize("year", BAD_YEARS)
@pytest.mark.parametrize("page", ANNUAL_PAGES)
def test_a_bad_year_in_an_annual_address_is_not_found(client, board, sign_in, page, year):
    sign_in(board.chair_user)
    response = client.get(page.format(year=year, member=board.ned.id))
    assert response.status_code == 404
    assert "<html" in response.get_data(as_text=True).lower()


@pytest.mark.parametrize("year", BAD_YEARS)
def test_a_bad_year_in_the_request_address_is_not_found(client, board, sign_in, year):
    sign_in(board.secretary)
    assert client.post(f"/years/{year}/requests").status_code == 404


@pytest.mark.parametrize("year", (FIRST_YEAR, LAST_YEAR))
def test_the_bounds_themselves_are_pages(client, board, sign_in, year):
    sign_in(board.secretary)
    assert client.get(f"/years/{year}").status_code == 200


def test_links_to_a_year_use_the_converter(app):
    from flask import url_for
    with app.test_request_context():
        assert url_for("annual.show_year", year=2025) == "/years/2025"


@pytest.mark.parametrize("year", ("1999", "2101", "25/26", "twenty"))
def test_a_bad_year_on_the_command_line_is_a_usage_error(runner, year):
    result = runner("declaration", "show", "--year", year)
    assert result.exit_code == 2 and "is not a year like 2025" in result.output
