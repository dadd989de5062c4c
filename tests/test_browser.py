"""The written report in a browser: headless Chromium opens the index and the outlet page from
the files (file:// addresses), with no console error, every internal link and image resolving to a
file inside the report, and an outlet table that sorts and filters offline.

Skipped only when Chromium or its driver cannot be found (`.ci/run` installs both)."""
import shutil
import time
from pathlib import Path
from urllib.parse import unquote, urlparse

import pandas as pd
import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from analysis.report import run_report

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "data" / "template"
BROWSERS = ("chromium", "chromium-browser", "google-chrome")
DRIVERS = ("chromedriver", "/usr/lib/chromium/chromedriver")


def _find(names) -> str | None:
    for name in names:
        found = shutil.which(name) or (name if Path(name).is_file() else None)
        if found:
            return found
    return None


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    """One main-job run of the real notebooks on the template folder."""
    out = tmp_path_factory.mktemp("browser") / "out"
    result = run_report(TEMPLATE, out, n_boot=20, jobs=2, progress=False)
    assert not result.failed, result.failed
    return out.resolve()


@pytest.fixture(scope="module")
def browser():
    binary, driver_path = _find(BROWSERS), _find(DRIVERS)
    if binary is None or driver_path is None:
        pytest.skip(f"no Chromium ({binary or 'none of ' + ', '.join(BROWSERS)}) or driver "
                    f"({driver_path or 'none of ' + ', '.join(DRIVERS)}) found; .ci/run installs them")
    options = webdriver.ChromeOptions()
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1280,1600"):
        options.add_argument(arg)
    options.binary_location = binary
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    yield driver
    driver.quit()


def _open(driver, path: Path) -> list:
    """Load a page and wait until it has finished; return its severe console entries."""
    driver.get_log("browser")  # drop what earlier pages logged
    driver.get(path.as_uri())
    WebDriverWait(driver, 20).until(lambda d: d.execute_script("return document.readyState") == "complete")
    return driver.get_log("browser")


def _severe(entries: list) -> list:
    return [e for e in entries if e.get("level") == "SEVERE"]


def _check_links(driver, out: Path, page: Path, report_urls: set) -> int:
    """Every link and image: inside the report and present, or a report's web address."""
    targets = driver.execute_script(
        "return [...document.querySelectorAll('a[href]')].map(a => ['a', a.href])"
        ".concat([...document.querySelectorAll('img')].map(i => ['img', i.src, i.complete && i.naturalWidth > 0]))")
    for kind, url, *loaded in targets:
        parsed = urlparse(url)
        if parsed.scheme == "file":
            target = Path(unquote(parsed.path)).resolve()
            assert target.is_relative_to(out), f"{page.name}: {url} leaves the report"
            assert target.is_file(), f"{page.name}: {url} is missing"
            if kind == "img":
                assert loaded == [True], f"{page.name}: image {url} did not load"
        else:
            assert kind == "a" and url in report_urls, f"{page.name}: {url} is neither in the report nor a report's URL"
    return len(targets)


def _urls() -> set:
    return set(pd.read_csv(TEMPLATE / "reports.csv", dtype=str)["url"])


def test_index_loads_cleanly_with_key_findings_and_resolving_links(browser, report):
    severe = _severe(_open(browser, report / "index.html"))
    assert not severe, severe
    findings = [li.text for li in browser.find_elements(By.CSS_SELECTOR, "ul.key-findings li")]
    assert findings and findings[0].startswith("3 reports from 3 outlets"), findings
    assert browser.find_element(By.ID, "method").is_displayed()
    assert _check_links(browser, report, report / "index.html", _urls()) > 10
    thumbs = browser.find_elements(By.CSS_SELECTOR, ".grid figure img")
    assert thumbs and all(img.get_attribute("alt") for img in thumbs)


def _first_column(driver) -> list:
    return [td.text for td in driver.find_elements(By.CSS_SELECTOR, "#outlet-reports tbody tr td:first-child")]


def _wait_for_table(driver) -> None:
    WebDriverWait(driver, 20).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, "#outlet-reports.dataTable tbody tr"))


def test_outlet_table_sorts_and_filters_offline(browser, report):
    severe = _severe(_open(browser, report / "outlets.html"))
    _wait_for_table(browser)
    assert not severe, severe
    before = _first_column(browser)
    assert sorted(before) == ["Example Daily", "Example State TV", "Example Wire"]
    header = browser.find_element(By.XPATH, "//div[contains(@class,'dt-scroll-head')]//th[normalize-space(.)='Outlet']"
                                            " | //table[@id='outlet-reports']/thead//th[normalize-space(.)='Outlet']")
    header.click()
    WebDriverWait(browser, 10).until(lambda d: _first_column(d) != before)
    assert _first_column(browser) == sorted(before)
    header.click()
    WebDriverWait(browser, 10).until(lambda d: _first_column(d) == sorted(before, reverse=True))

    search = browser.find_element(By.CSS_SELECTOR, ".dt-search input, .dataTables_filter input")
    search.send_keys("State TV")
    WebDriverWait(browser, 10).until(lambda d: len(_first_column(d)) == 1)
    assert _first_column(browser) == ["Example State TV"]
    search.clear()
    search.send_keys("\b")  # an empty search shows every row again
    WebDriverWait(browser, 10).until(lambda d: len(_first_column(d)) == 3)
    assert not _severe(browser.get_log("browser"))


def test_outlet_page_and_cards_link_only_inside_the_report_or_to_reports(browser, report):
    _open(browser, report / "outlets.html")
    _wait_for_table(browser)
    assert _check_links(browser, report, report / "outlets.html", _urls()) >= 7
    cards = sorted((report / "outlets").glob("*.html"))
    assert len(cards) == 3
    for card in cards:
        severe = _severe(_open(browser, card))
        assert not severe, (card.name, severe)
        _check_links(browser, report, card, _urls())
        assert browser.find_element(By.LINK_TEXT, "All outlets")


def test_no_console_error_on_any_page(browser, report):
    for page in sorted(report.glob("*.html")):
        severe = _severe(_open(browser, page))
        time.sleep(0.1)
        assert not severe, (page.name, severe)
