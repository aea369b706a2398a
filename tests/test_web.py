"""The web workbench (`minutesindex serve`): its pages through Starlette's test client, and end to end
in a real headless Chromium."""

from __future__ import annotations

import csv
import io
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import openpyxl
import pytest
from starlette.testclient import TestClient

from minutesindex import Archive
from minutesindex.export import DECISION_COLUMNS
from minutesindex.web.app import create_app
from tests.conftest import home_with_texts

MINUTES = (
    "Referat\nSocialudvalget den 3. marts 2025\n\n"
    "1. Ny plan for bostøtte\nSagsfremstilling\nPlanen drøftes og vedtages.\nBeslutning\nGodkendt.\n\n"
    "2. Busdrift i landdistrikter\nSagsfremstilling\nBusserne kører sjældnere.\nBeslutning\nUdsat.\n"
)


@pytest.fixture(scope="module")
def client(sample_home):
    settings, _ = sample_home
    with Archive(settings.home) as archive:
        yield TestClient(create_app(archive), raise_server_exceptions=False)


@pytest.fixture(scope="module")
def hostile_client(tmp_path_factory):
    """A home whose title, text and committee hold markup, as a PDF's text may (a text export's
    tags are dropped when it is read, so the database is changed here, and the index rebuilt)."""
    import sqlite3

    from minutesindex.pipeline import reindex

    settings = home_with_texts(tmp_path_factory, {"referat.txt": MINUTES})
    with sqlite3.connect(settings.db_url.removeprefix("sqlite:///")) as db:
        db.execute("UPDATE items SET title = 'Ny plan <script>alert(1)</script> for bostøtte' WHERE number = '1'")
        db.execute("UPDATE sections SET text = 'Planen <b>drøftes</b> & vedtages.' WHERE text LIKE 'Planen%'")
        db.execute("UPDATE documents SET committee = '<img src=x onerror=alert(2)>udvalget'")
    reindex(settings)
    with Archive(settings.home) as archive:
        yield TestClient(create_app(archive), raise_server_exceptions=False)


def test_front_page_lists_the_latest_meetings_in_danish(client):
    page = client.get("/")
    assert page.status_code == 200 and '<html lang="da">' in page.text
    assert "Seneste møder" in page.text and "/meeting/" in page.text


def test_search_page_gives_the_hits_the_library_gives_with_facets_and_marked_snippets(client, sample_home):
    settings, _ = sample_home
    expected = [hit.title for hit in Archive(settings.home).search("skole", limit=20)]
    page = client.get("/", params={"q": "skole"})
    assert page.status_code == 200
    titles = [title for title in expected if title in page.text]
    assert titles == expected and f"1–{len(expected)} af {len(expected)} punkter" in page.text
    assert "<mark>" in page.text and "Udvalg" in page.text and "Beslutning" in page.text  # facets
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in page.text  # decisions over time


def test_a_facet_link_filters_and_the_url_holds_the_whole_query(client):
    page = client.get("/", params={"q": "skole"})
    link = next(part.split('"')[0] for part in page.text.split('href="') if part.startswith("/?q=skole&amp;outcome="))
    filtered = client.get(link.replace("&amp;", "&"))
    assert filtered.status_code == 200 and 'aria-current="true"' in filtered.text
    assert filtered.text.count('class="hit"') < page.text.count('class="hit"')


def test_item_page_shows_sections_decision_source_page_and_its_meeting(client, sample_home):
    settings, _ = sample_home
    hit = Archive(settings.home).search("ombygning skole")[0]
    page = client.get(f"/item/{hit.item_id}")
    assert page.status_code == 200 and "Ombygning af Søndre Skole" in page.text
    assert f"/page/{hit.document_id}/{hit.page}.png" in page.text
    assert f"/pdf/{hit.document_id}#page={hit.page}" in page.text
    assert "Mødets andre punkter" in page.text and "Strukturen er læst fra" in page.text
    image = client.get(f"/page/{hit.document_id}/{hit.page}.png")
    assert image.status_code == 200 and image.content.startswith(b"\x89PNG")
    pdf = client.get(f"/pdf/{hit.document_id}")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    meeting = client.get(f"/meeting/{hit.document_id}")
    assert meeting.status_code == 200 and "Ombygning af Søndre Skole" in meeting.text


def test_english_on_request(client):
    page = client.get("/", params={"q": "skole", "lang": "en"})
    assert '<html lang="en">' in page.text and "Decisions over time" in page.text and "lang=en" in page.text


def test_exports_are_the_decision_table_of_the_result_set(client):
    page = client.get("/", params={"q": "skole"})
    hits = page.text.count('class="hit"')
    table = client.get("/export.csv", params={"q": "skole"})
    assert table.status_code == 200 and "attachment" in table.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(table.content.decode("utf-8-sig"))))
    assert rows[0] == DECISION_COLUMNS and len(rows) - 1 == hits
    workbook = client.get("/export.xlsx", params={"q": "skole"})
    sheet = openpyxl.load_workbook(io.BytesIO(workbook.content)).active
    assert [cell.value for cell in sheet[1]] == DECISION_COLUMNS and sheet.max_row - 1 == hits
    danish = client.get("/export.csv", params={"q": '"søndre skole"'})  # the file's name in ASCII
    assert danish.status_code == 200
    assert 'filename="minutesindex-soendre-skole.csv"' in danish.headers["content-disposition"]


def test_minutes_text_is_shown_as_text_never_as_markup(hostile_client):
    page = hostile_client.get("/", params={"q": "bostøtte"})
    assert "<script>alert" not in page.text and "&lt;script&gt;alert(1)" in page.text
    assert "<img src=x" not in page.text and "&lt;img src=x" in page.text  # the committee, also in facets
    item_id = page.text.split('href="/item/')[1].split('"')[0]
    item = hostile_client.get(f"/item/{item_id}")
    assert "<script>alert" not in item.text and "&lt;b&gt;drøftes&lt;/b&gt;" in item.text
    assert "<b>drøftes" not in item.text


def test_only_files_the_database_records_are_served(client, hostile_client):
    assert client.get("/pdf/999999").status_code == 404
    assert client.get("/pdf/..%2F..%2Fetc%2Fpasswd").status_code == 404
    assert client.get("/page/1/999.png").status_code == 404
    assert hostile_client.get("/pdf/1").status_code == 404  # a text export has no PDF
    assert client.get("/static/../../pyproject.toml").status_code == 404


def test_bad_requests_are_a_page_with_the_message_never_a_traceback(client, monkeypatch):
    assert "AND, OR and NOT need a word" in client.get("/", params={"q": "skole AND"}).text
    too_long = client.get("/", params={"q": "x" * 600})
    assert "query too long" in too_long.text
    deep = client.get("/", params={"q": "skole", "page": "999"})
    assert deep.status_code == 400 and "narrow the search" in deep.text
    assert client.get("/item/424242").status_code == 404

    def broken(*args, **kwargs):
        raise RuntimeError("a secret path /home/x")

    monkeypatch.setattr(Archive, "record", broken)
    failed = client.get("/item/1")
    assert failed.status_code == 500 and "unexpected failure (RuntimeError)" in failed.text
    assert "Traceback" not in failed.text and "secret" not in failed.text


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_serve_binds_to_this_machine_unless_told_and_says_so(sample_home, tmp_path):
    settings, _ = sample_home
    port = _free_port()
    command = [sys.executable, "-m", "minutesindex", "--home", str(settings.home), "serve", "--port", str(port)]
    for host, warned in ((None, False), ("0.0.0.0", True)):
        args = command + (["--host", host] if host else [])
        process = subprocess.Popen(args, stderr=subprocess.PIPE, text=True)
        try:
            body = _wait_for(f"http://127.0.0.1:{port}/")
        finally:
            process.terminate()
            stderr = process.communicate(timeout=30)[1]
        assert "Seneste møder" in body
        assert ("warning: listening on 0.0.0.0" in stderr) is warned, stderr
        assert f"http://{host or '127.0.0.1'}:{port}" in stderr


def _wait_for(url: str, seconds: float = 30) -> str:
    import httpx2 as httpx

    deadline = time.monotonic() + seconds
    while True:
        try:
            return httpx.get(url, timeout=5).text
        except httpx.TransportError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


# -- end to end in Chromium ------------------------------------------------------------------------
SCREENSHOTS = os.environ.get("MINUTESINDEX_SCREENSHOTS")  # a folder to keep the screenshots in (README's)


@pytest.fixture(scope="module")
def served(sample_home):
    """The workbench over the sample home, served by uvicorn in a thread of this process."""
    import uvicorn

    settings, _ = sample_home
    archive = Archive(settings.home)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(archive), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    _wait_for(f"http://127.0.0.1:{port}/")
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
    archive.close()


@pytest.fixture
def browser(tmp_path):
    webdriver = pytest.importorskip("selenium.webdriver")
    chromium, driver = shutil.which("chromium"), shutil.which("chromedriver")
    if not (chromium and driver):
        pytest.skip("Chromium and its driver are not installed (scripts/setup.sh installs them)")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1280,900"):  # fmt: skip
        options.add_argument(argument)
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    options.add_experimental_option("prefs", {"download.default_directory": str(downloads)})
    session = webdriver.Chrome(service=Service(driver), options=options)
    session.downloads = downloads
    try:
        yield session
    finally:
        session.quit()


def _screenshot(browser, name: str, tmp_path: Path) -> None:
    target = tmp_path / f"{name}.png"
    browser.save_screenshot(str(target))
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        shutil.copy(target, Path(SCREENSHOTS) / target.name)


def test_an_analyst_searches_filters_opens_an_item_and_downloads_the_table_in_chromium(served, browser, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    wait = WebDriverWait(browser, 20)
    browser.get(served + "/")
    box = browser.find_element(By.ID, "q")
    box.send_keys("skole", Keys.ENTER)  # the keyboard alone
    wait.until(expected_conditions.presence_of_element_located((By.CSS_SELECTOR, "li.hit")))
    assert "skole" in browser.current_url
    _screenshot(browser, "search", tmp_path)

    committee = browser.find_element(By.XPATH, "//section[@class='facet'][h3='Udvalg']//a")
    name = committee.text
    committee.click()
    wait.until(expected_conditions.url_contains("committee="))
    assert all(name in hit.text for hit in browser.find_elements(By.CSS_SELECTOR, "li.hit .meta"))

    browser.find_element(By.CSS_SELECTOR, "li.hit h3 a").click()
    image = wait.until(expected_conditions.presence_of_element_located((By.CSS_SELECTOR, "figure.page img")))
    wait.until(lambda _: browser.execute_script("return arguments[0].complete && arguments[0].naturalWidth", image))
    assert browser.execute_script("return arguments[0].naturalWidth", image) > 100
    _screenshot(browser, "item", tmp_path)

    browser.back()
    browser.find_element(By.PARTIAL_LINK_TEXT, "xlsx").click()
    deadline = time.monotonic() + 30
    while not list(browser.downloads.glob("*.xlsx")) and time.monotonic() < deadline:
        time.sleep(0.2)
    (workbook,) = browser.downloads.glob("*.xlsx")
    sheet = openpyxl.load_workbook(workbook).active
    assert [cell.value for cell in sheet[1]] == DECISION_COLUMNS and sheet.max_row > 1

    browser.set_window_size(390, 844)  # a phone
    browser.get(served + "/?q=skole")
    assert browser.execute_script("return document.documentElement.scrollWidth <= window.innerWidth + 1")
    _screenshot(browser, "phone", tmp_path)
