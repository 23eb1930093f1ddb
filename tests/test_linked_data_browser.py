"""End to end: headless Chromium opens resource pages on a running server.

The page of a network and Düsseldorf's page, in German and in English: the
labels are in the requested language, and Düsseldorf's timeline is an inline
SVG that the browser actually draws (its bars have a size on screen). Without
``?lang=``, the browser's own language setting chooses the language.
"""

import pytest
from selenium.webdriver.common.by import By

from netgraph.web import create_app
from netgraph.web.server import running_server


@pytest.fixture(scope="module")
def base_url(served_dataset):
    from netgraph.web.evaluator import EXTENSION

    app = create_app({"NETGRAPH_DATASET": served_dataset})
    try:
        with running_server(app) as url:
            yield url
    finally:
        app.extensions[EXTENSION].close()


@pytest.mark.parametrize(
    ("lang", "name", "type_label", "since"),
    [
        ("de", "Europäische Städtekoalition gegen Rassismus", "Koalition", "seit November 2016"),
        ("en", "European Coalition of Cities Against Racism", "coalition", "since November 2016"),
    ],
)
def test_network_and_city_pages_in_both_languages(browser, base_url, lang, name, type_label, since):
    browser.get(f"{base_url}/id/network/eccar?lang={lang}")
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == lang
    assert browser.find_element(By.ID, "label").text == name
    assert type_label in browser.find_element(By.CSS_SELECTOR, ".types").text
    # the stylesheet loaded under the Content-Security-Policy (no inline styles needed)
    header = browser.find_element(By.TAG_NAME, "header")
    assert header.value_of_css_property("display") == "flex"

    # pages link within the service: to the membership, and from there to the city
    for target in ("/id/membership/duesseldorf--eccar", "/id/city/duesseldorf"):
        links = browser.find_elements(By.CSS_SELECTOR, f'a[href^="{target}?lang={lang}"]')
        next(link for link in links if link.is_displayed()).click()
    assert browser.current_url.startswith(f"{base_url}/id/city/duesseldorf")
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == lang
    svg = browser.find_element(By.CSS_SELECTOR, "#timeline svg")
    bars = svg.find_elements(By.CSS_SELECTOR, "rect.bar")
    assert len(bars) == 4
    assert all(bar.size["width"] > 0 and bar.size["height"] > 0 for bar in bars)
    rows = svg.find_elements(By.CSS_SELECTOR, "g.membership")
    assert len(rows) == 9
    eccar = next(
        row for row in rows if row.find_elements(By.CSS_SELECTOR, "rect.bar[data-start='2016-11']")
    )
    assert since in eccar.get_attribute("textContent")
    assert name in svg.get_attribute("textContent")


@pytest.fixture
def german_browser(request, monkeypatch):
    """The shared headless Chromium, its language setting German, as a German user's
    browser is: then Chromium itself sends ``Accept-Language: de``."""
    from selenium import webdriver

    class GermanOptions(webdriver.ChromeOptions):
        def __init__(self):
            super().__init__()
            self.add_experimental_option("prefs", {"intl.accept_languages": "de-DE,de"})

    monkeypatch.setattr(webdriver, "ChromeOptions", GermanOptions)
    return request.getfixturevalue("browser")


def test_the_browsers_language_chooses_the_page_language(german_browser, base_url):
    browser = german_browser
    browser.get(f"{base_url}/id/city/duesseldorf")
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "de"
    assert "Stadt" in browser.find_element(By.CSS_SELECTOR, ".types").text
    timeline = browser.find_element(By.CSS_SELECTOR, "#timeline svg").get_attribute("textContent")
    assert "Europäische Städtekoalition gegen Rassismus" in timeline
    assert "seit November 2016" in timeline

    browser.find_element(By.CSS_SELECTOR, 'nav a[hreflang="en"]').click()  # and switchable
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"
    assert "city" in browser.find_element(By.CSS_SELECTOR, ".types").text
