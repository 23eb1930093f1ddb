"""End to end: headless Chromium picks a named query on the page, runs it, and sees its rows.

The ``browser`` fixture (Debian's chromium, headless) is in conftest.py.
"""

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.select import Select
from selenium.webdriver.support.ui import WebDriverWait

from netgraph.query import run_query
from netgraph.web import create_app
from netgraph.web.server import running_server

NAMED_QUERY = "duesseldorf-memberships"
WAIT_SECONDS = 30


@pytest.fixture(scope="module")
def base_url(served_dataset):
    app = create_app({"NETGRAPH_DATASET": served_dataset})
    with running_server(app) as url:
        yield url


def test_pick_a_named_query_run_it_and_see_its_rows(browser, base_url, served_dataset, app):

    named = next(q for q in app.extensions["netgraph"].named_queries if q.name == NAMED_QUERY)
    expected = list(run_query(served_dataset, named.text))
    assert expected, "the named query should have rows to look for"

    browser.get(f"{base_url}/")
    editor = browser.find_element(By.ID, "query")
    assert "SELECT ?network ?name" in editor.get_attribute("value")  # the example
    assert not browser.find_element(By.CSS_SELECTOR, "button[name=load]").is_displayed()

    Select(browser.find_element(By.ID, "named-query")).select_by_value(NAMED_QUERY)
    assert editor.get_attribute("value") == named.text
    assert browser.find_element(By.ID, "named-description").text == named.description

    browser.find_element(By.ID, "run").click()
    wait = WebDriverWait(browser, WAIT_SECONDS)
    wait.until(expected_conditions.presence_of_element_located((By.ID, "results")))

    headers = [th.text for th in browser.find_elements(By.CSS_SELECTOR, "#results thead th")]
    assert headers == [str(variable) for variable in run_query(served_dataset, named.text).vars]
    rows = browser.find_elements(By.CSS_SELECTOR, "#results tbody tr")
    assert len(rows) == len(expected)
    column = headers.index("networkLabel")
    shown = [row.find_elements(By.TAG_NAME, "td")[column].text for row in rows]
    assert [text.removesuffix(" @en") for text in shown] == [str(r.networkLabel) for r in expected]
    summary = browser.find_element(By.ID, "summary").text
    assert summary.startswith(f"{len(expected)} rows in ")
    # the query survives the round trip, so the page can be shared and refined
    assert browser.find_element(By.ID, "query").get_attribute("value").strip() == named.text.strip()
    assert (
        Select(browser.find_element(By.ID, "named-query")).first_selected_option.get_attribute(
            "value"
        )
        == NAMED_QUERY
    )


def test_ctrl_enter_runs_the_query(browser, base_url):

    browser.get(f"{base_url}/")
    editor = browser.find_element(By.ID, "query")
    editor.clear()
    editor.send_keys("ASK { ?s a ng:Network }")
    editor.send_keys(Keys.CONTROL, Keys.ENTER)
    WebDriverWait(browser, WAIT_SECONDS).until(
        expected_conditions.presence_of_element_located((By.ID, "boolean"))
    )
    assert browser.find_element(By.ID, "boolean").text == "true"
