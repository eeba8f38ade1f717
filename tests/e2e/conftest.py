"""Every browser context of these tests fails the test on a Content-Security-Policy violation."""
import pytest

from tests.fixtures.browser import watch_csp


@pytest.fixture
def context(context, csp_violations):
    csp_violations.append(watch_csp(context))
    return context
