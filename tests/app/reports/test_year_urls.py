"""The reports' addresses take the year through the one converter: a bad year is a 404 page, not a 500."""
import pytest

from checks.years import FIRST_YEAR, LAST_YEAR

BAD_YEARS = (str(FIRST_YEAR - 1), str(LAST_YEAR + 1), "25", "twenty")


@pytest.mark.parametrize("year", BAD_YEARS)
@pytest.mark.parametrize("page", ("/reports/{year}/declaration.xlsx", "/reports/{year}/summary.xlsx",
                                  "/reports/{year}/summary", "/reports/{year}/declaration",
                                  "/reports/{year}/declaration.pdf"))
def test_a_bad_year_in_a_report_address_is_not_found(client, login, page, year):
    login("auditor")
    response = client.get(page.format(year=year))
    assert response.status_code == 404
    assert "<html" in response.get_data(as_text=True).lower()


@pytest.mark.parametrize("year", BAD_YEARS)
def test_a_bad_year_for_a_pack_is_not_found(client, login, year):
    login("auditor")
    assert client.post(f"/reports/{year}/pack").status_code == 404


@pytest.mark.parametrize("command", ("declaration", "pack"))
@pytest.mark.parametrize("year", ("1999", "2101"))
def test_a_year_out_of_bounds_on_the_command_line_is_a_usage_error(runner, tmp_path, command, year):
    result = runner("export", command, "--year", year, "--output", tmp_path / "out")
    assert result.exit_code == 2 and "from 2000 to 2100" in result.output
