"""The `tessera` command line: infrastructure, the running stack, demo data and users."""

import json
import logging
import os
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from types import FrameType
from typing import Annotated

import httpx
import typer
from neo4j import GraphDatabase
from neo4j.exceptions import DriverError, Neo4jError
from rich import box
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Column, Table

from common.auth import API_TOKEN_TTL, Role, TokenStore, UnknownAgency, UnknownUser
from common.kafka_access import KafkaAccess
from common.private_files import write_private
from schemas import contracts, topics
from services.network import resolution_model
from services.network.resolution_model import default_model
from tessera_cli import (
    demo,
    graph_setup,
    importer,
    kafka_principals,
    local_infra,
    resolution_evaluation,
    resolution_training,
    stack,
)
from tessera_cli.audit import audit_app
from tessera_cli.commands import unknown_agency
from tessera_cli.geo import SYNTHETIC_FILE, geo_app, locate_places
from tessera_cli.geo import load as load_centroids
from tessera_cli.local_infra import InfraError
from tessera_cli.outbox import outbox_app
from tessera_cli.paths import LOGS, ROOT, STATE
from tessera_cli.processes import StartFailed, exclusive
from tessera_cli.replay import replay_command
from tessera_cli.settings import cli_settings
from tessera_cli.topics import ensure_topics
from tessera_cli.webhooks import webhook_app

app = typer.Typer(
    help="Tessera: multi-agency intelligence sharing to keep children safe.", no_args_is_help=True
)
infra_app = typer.Typer(help="Local Kafka and Neo4j without Docker.", no_args_is_help=True)
demo_app = typer.Typer(help="Synthetic demo data.", no_args_is_help=True)
user_app = typer.Typer(help="API users and their tokens.", no_args_is_help=True)
agency_app = typer.Typer(help="Partner agencies.", no_args_is_help=True)
partner_app = typer.Typer(
    help="Partners publishing straight onto Kafka: credentials and inbound topics.",
    no_args_is_help=True,
)
token_app = typer.Typer(
    help="Tokens: which are live, until when, and revoking one.", no_args_is_help=True
)
schemas_app = typer.Typer(
    help="Published contracts: JSON Schema, AsyncAPI and OpenAPI.", no_args_is_help=True
)
resolution_app = typer.Typer(
    help="Person resolution: train its model, measure it on labelled records.",
    no_args_is_help=True,
)
app.add_typer(infra_app, name="infra")
app.add_typer(demo_app, name="demo")
app.add_typer(user_app, name="user")
app.add_typer(agency_app, name="agency")
app.add_typer(partner_app, name="partner")
app.add_typer(token_app, name="token")
app.add_typer(schemas_app, name="schemas")
app.add_typer(webhook_app, name="webhook")
app.add_typer(audit_app, name="audit")
app.add_typer(resolution_app, name="resolution")
app.add_typer(geo_app, name="geo")
app.add_typer(outbox_app, name="outbox")

console = Console(soft_wrap=True)
# The CLI reports outcomes itself; the driver's retry chatter and schema notices are noise here.
logging.getLogger("neo4j").setLevel(logging.ERROR)
logging.getLogger("kafka").setLevel(logging.ERROR)


def _fail(message: str) -> typer.Exit:
    console.print(f"[bold red]error:[/] {message}")
    return typer.Exit(code=1)


def _auth_file() -> Path:
    """The token store the services read, wherever the CLI is run from."""
    return Path(cli_settings().tessera_auth_file)


def _infra_up() -> bool:
    """Start what is not running; return whether anything was started."""
    settings = cli_settings()
    was_running = local_infra.running()
    secrets = Path(settings.kafka_secrets_dir)
    for line in (
        local_infra.start_kafka(
            secrets=secrets, access=lambda: kafka_principals.admin_access(settings)
        ),
        local_infra.start_neo4j(
            connected=lambda: graph_setup.connected(settings),
            heap=settings.neo4j_heap,
            page_cache=settings.neo4j_page_cache,
        ),
    ):
        console.print(line)
    admin = kafka_principals.admin_access(settings)
    for line in ensure_topics(access=admin):
        console.print(f"  topic {line}")
    for line in kafka_principals.secure_services(admin, secrets):
        console.print(f"  {line}")
    applied = graph_setup.migrate(settings)
    console.print(f"  neo4j schema: {', '.join(applied) if applied else 'up to date'}")
    return not was_running


@infra_app.command("fetch")
def infra_fetch(
    force: Annotated[
        bool, typer.Option(help="Download again even if the cache looks complete.")
    ] = False,
) -> None:
    """Download the Kafka and Neo4j jars from Maven Central into .infra/ (once)."""
    try:
        for server in local_infra.SERVERS:
            local_infra.fetch(server, force=force, echo=console.print)
            console.print(f"{server.name}: jars in {server.lib}")
    except InfraError as error:
        raise _fail(str(error)) from error


@infra_app.command("up")
def infra_up() -> None:
    """Start Kafka and Neo4j (a no-op when they run), create topics, apply the graph schema."""
    try:
        with exclusive("stack"):
            started = _infra_up()
    except (InfraError, StartFailed) as error:
        raise _fail(str(error)) from error
    console.print("infrastructure started" if started else "infrastructure was already running")


@infra_app.command("down")
def infra_down() -> None:
    """Stop Kafka and Neo4j cleanly."""
    try:
        with exclusive("stack"):
            lines = local_infra.stop_all()
    except StartFailed as error:
        raise _fail(str(error)) from error
    for line in lines:
        console.print(line)


@infra_app.command("status")
def infra_status(
    quiet: Annotated[bool, typer.Option(help="Print nothing; exit 0 only if both run.")] = False,
) -> None:
    """Show whether Kafka and Neo4j are running."""
    if not quiet:
        table = Table("server", "state", "detail")
        for row in local_infra.status_lines():
            table.add_row(*row)
        console.print(table)
    raise typer.Exit(code=0 if local_infra.running() else 1)


@infra_app.command("topics")
def infra_topics() -> None:
    """Create the Kafka topics that are missing."""
    for line in ensure_topics(access=kafka_principals.admin_access(cli_settings())):
        console.print(line)


@infra_app.command("principals")
def infra_principals() -> None:
    """Create the services' Kafka principals (once) and grant their ACLs (safe to re-run)."""
    settings = cli_settings()
    for line in kafka_principals.secure_services(
        kafka_principals.admin_access(settings), Path(settings.kafka_secrets_dir)
    ):
        console.print(line)


@infra_app.command("kafka-config")
def infra_kafka_config(
    template: Annotated[Path, typer.Option(help="A broker configuration with @...@ blanks")],
    out: Annotated[Path, typer.Option(help="Where to write it (mode 0600)")],
    data_dir: Annotated[str, typer.Option(help="The broker's log.dirs")],
    secrets_in_broker: Annotated[
        str | None, typer.Option(help="Where the broker sees the secrets folder (a mount)")
    ] = None,
) -> None:
    """Make the certificates and passwords (once) and render a broker's configuration.

    `tessera infra up` does this for the local broker; infra/compose.yaml runs it for its own.
    """
    settings = cli_settings()
    secrets = Path(settings.kafka_secrets_dir)
    local_infra.render_kafka_config(
        secrets, template=template, out=out, data_dir=data_dir, secrets_in_broker=secrets_in_broker
    )
    _, admin = kafka_principals.ensure_broker_credentials(secrets)
    where = secrets_in_broker or str(secrets.resolve())
    client = out.with_name("admin-client.properties")
    write_private(  # for the broker's own tools (its health check)
        client,
        "security.protocol=SASL_SSL\nsasl.mechanism=PLAIN\n"
        "sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required "
        f'username="{admin.username}" password="{admin.password.get_secret_value()}";\n'
        f"ssl.truststore.type=PEM\nssl.truststore.location={where}/ca.pem\n",
    )
    console.print(f"broker configuration {out}; administrator's client configuration {client}")


@infra_app.command("migrate")
def infra_migrate() -> None:
    """Apply the Neo4j constraints and indexes (safe to re-run)."""
    applied = graph_setup.migrate(cli_settings())
    console.print(f"applied: {', '.join(applied)}" if applied else "schema up to date")


def _web_url() -> str:
    return f"http://127.0.0.1:{stack.WEB_PORT}"


def _urls() -> dict[str, str]:
    return {
        "ingest": f"http://127.0.0.1:{stack.INGEST_PORT}",
        "analyst": f"http://127.0.0.1:{stack.NETWORK_PORT}",
        "alerts": f"http://127.0.0.1:{stack.ALERTS_PORT}",
    }


@demo_app.command("load")
def demo_load() -> None:
    """Submit the synthetic demo reports and wait for the alert they raise."""
    urls = _urls()
    tokens = demo.issue_demo_tokens(_auth_file())
    centroids = load_centroids(cli_settings(), SYNTHETIC_FILE)  # the map's synthetic postcodes
    console.print(f"loaded {centroids.centroids} synthetic postcode centroids for the map")
    with console.status("submitting synthetic demo reports..."):
        report_ids = demo.load(ingest_url=urls["ingest"], tokens=tokens)
    console.print(f"submitted the demo reports; take-away sightings: {', '.join(report_ids)}")
    with console.status("waiting for the shared_hotspot alert..."):
        alert = demo.wait_for_alert(
            alerts_url=urls["alerts"], token=tokens.police, report_ids=report_ids
        )
    if alert is None:
        raise _fail("no alert within 60s; see .infra/logs/network-worker.log and alerts-worker.log")
    console.print(f"[green]alert raised:[/] {alert['summary']}")
    locate_places(cli_settings())  # the places linked so far; the worker locates later ones
    console.print(
        "the missing-child story raises missing_escalation, vehicle_linked_to_missing, "
        "found_out_of_area, county_lines_suspected, harbouring_adult, debt_bondage and "
        "child_in_custody alerts too"
    )
    console.print(f"demo submitter token: {tokens.submitter}  (ingest API, {urls['ingest']})")
    console.print(f"demo police token:    {tokens.police}  (alerts API, {urls['alerts']})")
    console.print(f"demo analyst token:   {tokens.analyst}  (analyst API, {urls['analyst']})")
    passwords = demo.set_demo_passwords(_auth_file())
    console.print(f"web front end: {_web_url()}  sign in as (new passwords on every run):")
    for user, password in passwords.items():
        console.print(f"  {user:<16} {password}")
    console.print(
        f"try: curl -H 'Authorization: Bearer {tokens.police}' "
        f"'{urls['alerts']}/v1/alerts?purpose=trying+Tessera'"
    )
    console.print(
        f"     curl -H 'Authorization: Bearer {tokens.analyst}' "
        f"'{urls['analyst']}/v1/persons?name=Alex+Demo-Rowan&purpose=trying+Tessera'"
    )


IMPORT_HELP = "\n\n".join(
    (
        "Submit the reports in FILE through the ingest API, in batches, resumably, on the bulk "
        "lane (lane=bulk): the workers link and examine them beside live reports, never ahead "
        "of them, so an import never delays a live report's alerts.",
        "JSON Lines (.jsonl, .ndjson): one report per line, the JSON object that "
        "POST /v1/reports takes.",
        "CSV (.csv): each header is a dotted path into that object, e.g. observed_at, "
        "grading.source, grading.intelligence, grading.handling, event.type, event.place.name, "
        "event.place.category, event.persons.0.name, event.persons.0.date_of_birth, "
        "event.persons.1.name. A number in a path makes a list (empty positions are closed up); "
        "empty cells are left out; a list field may hold several values in one cell, split by "
        "';' (concerns: cce;cse).",
        "Every row is checked before it is sent. Rows that fail are not sent and are listed in "
        "FILE.rejected.csv (row, reason): row 1 is the first row under the CSV header, or "
        "line 1 of a JSON Lines file.",
        "Your agency and name come from your token, never from the file. Progress is saved in "
        "FILE.import-state.json after every batch: after an interruption, run the same command "
        "again to carry on. A batch sent twice is accepted once.",
    )
)


@app.command("import", help=IMPORT_HELP)
def import_reports(
    file: Annotated[
        Path,
        typer.Argument(
            help="A .csv, .jsonl or .ndjson file of reports.", exists=True, dir_okay=False
        ),
    ],
    ingest_url: Annotated[
        str | None,
        typer.Option(help=f"The ingest API's address. (default: {_urls()['ingest']})"),
    ] = None,
    token: Annotated[
        str | None,
        typer.Option(
            envvar="TESSERA_TOKEN",
            show_default=False,
            help="Your bearer token; better set TESSERA_TOKEN, which stays out of `ps`.",
        ),
    ] = None,
    batch_size: Annotated[
        int | None,
        typer.Option(
            min=1,
            max=importer.MAX_BATCH,
            show_default=False,
            help=f"Reports per request. (default: {importer.DEFAULT_BATCH}; a resumed import "
            "keeps the size it started with)",
        ),
    ] = None,
    restart: Annotated[
        bool, typer.Option("--restart", help="Ignore saved progress and start from the first row.")
    ] = False,
) -> None:
    """Submit the reports in FILE through the ingest API, in batches, resumably."""
    if not token:
        raise _fail("no token: pass --token or set TESSERA_TOKEN")
    try:
        plan = importer.plan_import(path=file, batch_size=batch_size, restart=restart)
    except importer.ImportFailed as error:
        raise _fail(escape(str(error))) from error
    for warning in plan.warnings:
        console.print(f"[yellow]warning:[/] {escape(warning)}")
    resume = f"progress is saved in {importer.state_path(file)}; run the same command to resume"
    columns = (TextColumn("importing"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    try:
        with (
            httpx.Client(
                base_url=ingest_url or _urls()["ingest"], timeout=importer.HTTP_TIMEOUT_S
            ) as client,
            Progress(*columns, console=console, transient=True) as progress,
        ):
            task = progress.add_task("rows", total=plan.rows, completed=plan.skipped_rows)
            summary = importer.run_import(
                plan=plan,
                sender=importer.HttpSender(client=client, token=token),
                on_rows=lambda rows: progress.advance(task, rows),
            )
    except importer.ImportStopped as stop:
        failure = _fail(escape(str(stop)))
        if stop.summary.accepted or stop.summary.rejected or stop.summary.skipped:
            _print_import_summary(stop.summary)
        console.print(escape(resume))
        raise failure from stop
    except KeyboardInterrupt:
        console.print(f"interrupted: {escape(resume)}")
        raise typer.Exit(code=130) from None
    _print_import_summary(summary)


def _print_import_summary(summary: importer.Summary) -> None:
    replayed = f" ({summary.replayed} already held by ingest)" if summary.replayed else ""
    console.print(f"accepted: {summary.accepted}{replayed}")
    rejected = f" (see {escape(str(summary.rejects_file))})" if summary.total_rejected else ""
    console.print(f"rejected: {summary.rejected}{rejected}")
    console.print(f"skipped:  {summary.skipped} rows already imported by an earlier run")
    if summary.skipped:
        console.print(
            f"in total: {summary.total_accepted} accepted, {summary.total_rejected} rejected, "
            f"of {summary.rows} rows"
        )


RESOLUTION_EVALUATE_HELP = "\n\n".join(
    (
        "Stream labelled person records through the production resolver, in memory and in file "
        "order, and print pairwise precision, recall and F1 for certain merges and for merges "
        "plus candidates (as if an analyst confirmed every candidate).",
        "FILE is a CSV with the columns "
        + ", ".join(resolution_evaluation.REQUIRED_COLUMNS)
        + " and optionally "
        + ", ".join(resolution_evaluation.OPTIONAL_COLUMNS)
        + ". Records with one entity_id are one real person; an empty cell is a missing value; "
        "date_of_birth is YYYY-MM-DD; every value is checked as a report's would be. Nothing is "
        "written to Kafka or Neo4j.",
    )
)


@resolution_app.command("evaluate", help=RESOLUTION_EVALUATE_HELP)
def resolution_evaluate(
    file: Annotated[
        Path, typer.Argument(help="A CSV of labelled records.", exists=True, dir_okay=False)
    ],
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the figures as one JSON object.")
    ] = False,
    model_file: Annotated[
        Path | None,
        typer.Option(
            "--model",
            help="Resolve with this model file (one `tessera resolution train` wrote) instead "
            "of the one the worker uses.",
            exists=True,
            dir_okay=False,
        ),
    ] = None,
) -> None:
    """Score the production resolver on a labelled CSV file."""
    columns = (TextColumn("resolving"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    try:
        model = resolution_model.load_model(model_file) if model_file else default_model()
    except (OSError, ValueError) as error:
        raise _fail(f"{model_file}: not a model file: {escape(str(error))}") from error
    try:
        total = resolution_evaluation.count_records(file)
        with (
            resolution_model.model_in_use(model),
            Progress(*columns, console=Console(stderr=True), transient=True) as progress,
        ):
            task = progress.add_task("records", total=total)
            result = resolution_evaluation.evaluate_file(
                file,
                resolver=resolution_evaluation.ProductionResolver(),
                on_record=lambda: progress.advance(task),
            )
    except (resolution_evaluation.RecordError, UnicodeDecodeError) as error:
        raise _fail(escape(str(error))) from error
    if as_json:
        print(json.dumps({"file": str(file), "model": model.version, **result.as_dict()}, indent=2))
        return
    console.print(
        f"{result.records} records of {result.entities} labelled people; "
        f"the resolver made {result.people} people (model {escape(model.version)})"
    )
    headers = ("precision", "recall", "F1", "true pairs", "predicted", "correct")
    table = Table(
        Column("", no_wrap=True), *headers, box=box.SIMPLE_HEAD, padding=(0, 1), pad_edge=False
    )
    for label, figures in (
        ("certain merges", result.certain),
        ("merges + candidates", result.with_candidates),
    ):
        table.add_row(
            label,
            *(_share(x) for x in (figures.precision, figures.recall, figures.f1)),
            *(
                f"{n:,}"
                for n in (figures.true_pairs, figures.predicted_pairs, figures.correct_pairs)
            ),
        )
    console.print(table)
    console.print(
        f"candidates put to analysts: {result.candidates:,}, of which {result.true_candidates:,} "
        "name the record's own person"
    )
    if result.unused_columns:
        console.print(
            f"not used: {', '.join(result.unused_columns)} (a local authority's child id "
            "counts only with the home_local_authority that issued it)"
        )


def _share(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.4f}"


RESOLUTION_TRAIN_HELP = "\n\n".join(
    (
        "Estimate the person-matching model's m and u probabilities with Splink from person "
        "mentions: u by random sampling of pairs, m by expectation-maximisation on pairs "
        "blocked by date of birth and by full name; term frequencies of first given names and "
        "surnames. Write them as a new versioned model file (the base model's prior, thresholds "
        "and the values of levels the mentions never show are kept, and their notes say so).",
        "By default the mentions are the graph's own, read from Neo4j (NEO4J_URI, ...); "
        "--from-csv reads a labelled CSV in the layout `tessera resolution evaluate` reads "
        "instead (its labels only count people). The file is written under "
        f"{STATE / 'resolution'} unless --out says where; the worker uses it when "
        "NETWORK_RESOLUTION_MODEL names it. No name fewer than --min-people people share is "
        "written.",
    )
)


@resolution_app.command("train", help=RESOLUTION_TRAIN_HELP)
def resolution_train(
    out: Annotated[
        Path | None,
        typer.Option(
            help="Where to write the model file (an existing file is replaced).", dir_okay=False
        ),
    ] = None,
    from_csv: Annotated[
        Path | None,
        typer.Option(
            "--from-csv",
            help="Train on this labelled CSV instead of the graph's mentions.",
            exists=True,
            dir_okay=False,
        ),
    ] = None,
    base: Annotated[
        Path,
        typer.Option(
            help="The model whose prior, thresholds and unseen levels are kept.",
            exists=True,
            dir_okay=False,
        ),
    ] = resolution_model.MODEL_FILE,
    max_pairs: Annotated[
        int,
        typer.Option(
            min=1_000, help="Pairs compared to estimate u, and at most in each EM session."
        ),
    ] = resolution_training.MAX_PAIRS,
    max_mentions: Annotated[
        int, typer.Option(min=10, help="Read at most this many of the graph's latest mentions.")
    ] = resolution_training.MAX_MENTIONS,
    min_people: Annotated[
        int, typer.Option(min=2, help="Keep the term frequency of names this many people share.")
    ] = resolution_training.MIN_PEOPLE,
    seed: Annotated[
        int, typer.Option(help="Seed of the random sampling.")
    ] = resolution_training.SEED,
) -> None:
    """Train the person-matching model and write it as a new versioned file."""
    try:
        base_model = resolution_model.load_model(base)
    except (OSError, ValueError) as error:
        raise _fail(f"{base}: not a model file: {escape(str(error))}") from error
    try:
        if from_csv is not None:
            with console.status("reading the records..."):
                records = resolution_training.records_from_csv(from_csv)
            source = f"--from-csv {from_csv.name}"
        else:
            settings = cli_settings()
            with (
                console.status("reading the graph's person mentions..."),
                GraphDatabase.driver(
                    settings.neo4j_uri,
                    auth=(settings.neo4j_user, settings.neo4j_password.get_secret_value()),
                ) as driver,
            ):
                records = resolution_training.records_from_graph(
                    driver, database=settings.neo4j_database, limit=max_mentions
                )
            source = f"the graph's latest {max_mentions:,} person mentions at most"
    except (resolution_evaluation.RecordError, UnicodeDecodeError) as error:
        raise _fail(escape(str(error))) from error
    except (Neo4jError, DriverError) as error:
        raise _fail(f"Neo4j could not be read: {escape(str(error))}") from error
    target = out or STATE / "resolution" / "model.json"
    version = resolution_training.next_version(target.parent, today=date.today())
    path = out or target.with_name(resolution_training.model_file_name(version))
    written_by = (
        f"`tessera resolution train` on {source} ({len(records):,} mentions), "
        f"base {base_model.version}, {max_pairs:,} pairs, seed {seed}"
    )
    try:
        with console.status(f"training on {len(records):,} mentions with Splink..."):
            trained = resolution_training.train(
                records,
                base=base_model,
                version=version,
                written_by=written_by,
                max_pairs=max_pairs,
                seed=seed,
                min_people=min_people,
            )
    except resolution_training.TrainingError as error:
        raise _fail(escape(str(error))) from error
    resolution_training.write_model(trained.model, path)
    _print_training(trained, base_model, path)


def _print_training(
    trained: resolution_training.Trained, base: resolution_model.MatchModel, path: Path
) -> None:
    console.print(
        f"{trained.records:,} mentions of {trained.people:,} people; EM sessions blocked on: "
        + (", ".join(trained.sessions) or "none")
    )
    for skipped in trained.skipped_sessions:
        console.print(f"  [yellow]EM session not run:[/] {escape(skipped)}")
    table = Table(
        Column("comparison", no_wrap=True),
        Column("level", no_wrap=True),
        Column("weight", justify="right"),
        Column("base", justify="right"),
        Column("", no_wrap=True),
        box=box.SIMPLE_HEAD,
        padding=(0, 1),
        pad_edge=False,
    )
    kept = {(s.comparison, s.level): s for s in trained.kept}
    old = resolution_training.level_weights(base)
    for name, levels in resolution_training.level_weights(trained.model).items():
        for level, weight in levels.items():
            if level == resolution_training.MISSING:
                continue
            source = kept.get((name, level))
            if source is None:
                note = ""
            elif source.m_estimated or source.u_estimated:
                note = f"{'u' if source.m_estimated else 'm'} kept from the base"
            else:
                note = "kept from the base: never seen"
            table.add_row(name, level, f"{weight:+.2f}", f"{old[name][level]:+.2f}", note)
    console.print(f"match weights, log2(m/u), beside the base model {escape(base.version)}:")
    console.print(table)
    tf = trained.term_frequencies
    console.print(
        f"term frequencies kept: {tf['given_name']:,} given names and {tf['surname']:,} surnames "
        f"(each shared by at least {trained.min_people} people)"
    )
    console.print(f"model {trained.model.version} written to {escape(str(path))}")
    console.print(
        f"the worker uses it with NETWORK_RESOLUTION_MODEL={escape(str(path))}; measure it first "
        f"with `tessera resolution evaluate FILE.csv --model {escape(str(path))}`"
    )


@schemas_app.command("export")
def schemas_export(
    check: Annotated[bool, typer.Option(help="Only report whether the files are stale.")] = False,
) -> None:
    """Write the JSON Schemas and the AsyncAPI document into schemas/json/."""
    target = ROOT / "schemas" / "json"
    stale = []
    for name, text in contracts.rendered().items():
        path = target / name
        if not path.exists() or path.read_text() != text:
            stale.append(name)
            if not check:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text)
    if check and stale:
        raise _fail(f"stale contracts: {', '.join(stale)}; run `make schemas`")
    console.print(
        f"{len(stale)} of {len(contracts.rendered())} contract files "
        f"{'stale' if check else 'written'} in {target}"
    )


@schemas_app.command("openapi")
def schemas_openapi(
    check: Annotated[bool, typer.Option(help="Only report whether the files are stale.")] = False,
) -> None:
    """Write the OpenAPI documents of the four HTTP apps into schemas/openapi/ (no server runs);
    the web build generates its TypeScript types from them."""
    from tessera_cli import openapi  # builds every app: only this command needs them

    target = ROOT / "schemas" / "openapi"
    files = openapi.rendered()
    stale = [
        n
        for n, text in files.items()
        if not (target / n).exists() or (target / n).read_text() != text
    ]
    if check and stale:
        raise _fail(f"stale OpenAPI documents: {', '.join(stale)}; run `make schemas`")
    if not check:
        target.mkdir(parents=True, exist_ok=True)
        for name in stale:
            (target / name).write_text(files[name])
    done = "stale" if check else "written"
    console.print(f"{len(stale)} of {len(files)} OpenAPI documents {done} in {target}")


@agency_app.command("add")
def agency_add(name: Annotated[str, typer.Argument(help="The agency's name")]) -> None:
    """Register a partner agency; its users are added with `tessera user add`."""
    added = TokenStore(_auth_file()).add_agency(name)
    console.print(f"agency {name!r} {'registered' if added else 'was already registered'}")


@agency_app.command("list")
def agency_list() -> None:
    """List the registered agencies."""
    for name in TokenStore(_auth_file()).agencies():
        print(name)


@partner_app.command("add")
def partner_add(
    agency: Annotated[str, typer.Argument(help="A registered agency (`tessera agency add`)")],
) -> None:
    """Give an agency a Kafka principal and an inbound topic that only it may write.

    Writes a kcat (librdkafka) configuration file with its credentials for the partner; running
    it again for the same agency gives the same credentials.
    """
    settings = cli_settings()
    known = TokenStore(Path(settings.tessera_auth_file)).agencies()
    if agency not in known:
        raise _fail(escape(unknown_agency(agency)))
    slug = topics.agency_slug(agency)
    if clash := [a for a in known if a != agency and topics.agency_slug(a) == slug]:
        raise _fail(f"{agency!r} and {clash[0]!r} would share the Kafka name {slug!r}")
    secrets = Path(settings.kafka_secrets_dir)
    admin = kafka_principals.admin_access(settings)
    credential, topic = kafka_principals.add_partner(admin, secrets, agency)
    partner = KafkaAccess(admin.bootstrap_servers, credential, admin.cafile)
    config = partner.write_librdkafka_config(secrets / f"{credential.username}.kcat.conf")
    console.print(f"partner {agency!r}: principal {credential.username}, inbound topic {topic}")
    console.print(
        f"credentials for kcat and other librdkafka clients: {config} (give it only to them)"
    )
    console.print(f"publish a report:  kcat -F {config} -P -t {topic} -k REPORT_ID report.json")


@partner_app.command("remove")
def partner_remove(agency: Annotated[str, typer.Argument(help="The partner's agency")]) -> None:
    """Revoke a partner's Kafka credentials and ACLs (its inbound topic and reports stay)."""
    settings = cli_settings()
    for line in kafka_principals.remove_partner(
        kafka_principals.admin_access(settings), Path(settings.kafka_secrets_dir), agency
    ):
        console.print(line)


@user_app.command("list")
def user_list() -> None:
    """List users: name, agency and role (tokens are never shown again)."""
    table = Table("user", "agency", "role")
    for principal in TokenStore(_auth_file()).users():
        table.add_row(principal.user, principal.agency, principal.role.value)
    console.print(table)


@user_app.command("add")
def user_add(
    user: Annotated[str, typer.Option(help="User name, e.g. j.smith")],
    agency: Annotated[str, typer.Option(help="The user's agency")],
    role: Annotated[Role, typer.Option(help="What the user may do")],
    days: Annotated[
        int, typer.Option(min=1, max=366, help="Days until the token expires")
    ] = API_TOKEN_TTL.days,
) -> None:
    """Create a token for a user; it is printed once and only its hash is stored. Giving a user
    another agency or role revokes the tokens of the old one."""
    try:
        token = TokenStore(_auth_file()).issue(
            user=user, agency=agency, role=role, ttl=timedelta(days=days)
        )
    except UnknownAgency as error:
        raise _fail(escape(unknown_agency(agency))) from error
    console.print(
        f"token for {user} ({role.value}, {agency}), valid for {days} days; "
        "keep it, it is not shown again:"
    )
    print(token)


@token_app.command("list")
def token_list() -> None:
    """List the live tokens: key id, user, agency, role, kind and when each expires."""
    table = Table("key id", "user", "agency", "role", "kind", "created", "expires")
    for t in TokenStore(_auth_file()).tokens():
        table.add_row(
            t.key_id, t.user, t.agency, t.role, t.kind, t.created_at[:16], (t.expires_at or "")[:16]
        )
    console.print(table)


@token_app.command("revoke")
def token_revoke(
    key_id: Annotated[str, typer.Argument(help="The key id `tessera token list` shows")],
) -> None:
    """Revoke a token at once: every service refuses it, and open streams end within 30 s."""
    if not TokenStore(_auth_file()).revoke(key_id):
        raise _fail(f"no live token with key id {key_id!r}; see `tessera token list`")
    console.print(f"token {key_id} revoked")


@user_app.command("password")
def user_password(
    user: Annotated[str, typer.Option(help="User name, e.g. j.smith (added with `user add`)")],
    password: Annotated[
        str | None,
        typer.Option(
            envvar="TESSERA_PASSWORD",
            show_default=False,
            help="The new password; asked for (twice, hidden) when not given. Better set "
            "TESSERA_PASSWORD than pass it here, where `ps` shows it.",
        ),
    ] = None,
) -> None:
    """Set the password a user signs in to the web front end with; only its hash is stored."""
    if password is None:
        password = typer.prompt("new password", hide_input=True, confirmation_prompt=True)
    try:
        principal = TokenStore(_auth_file()).set_password(user=user, password=password)
    except (UnknownUser, ValueError) as error:
        raise _fail(str(error)) from error
    console.print(f"password set for {principal.user} ({principal.role.value}, {principal.agency})")


def _print_running(running: list[tuple[stack.Service, int]]) -> None:
    console.print("[yellow]Tessera is already running[/] (stop it with `make stop`):")
    for service, pid in running:
        console.print(f"  {service.name}: pid {pid}")
    for name, url in _urls().items():
        console.print(f"  {name}: {url}/docs")
    console.print(f"  web: {_web_url()}")


app.command("replay")(replay_command)


@app.command("run")
def run(
    detach: Annotated[bool, typer.Option(help="Start everything and return.")] = False,
    load_demo: Annotated[bool, typer.Option("--demo/--no-demo", help="Load demo data.")] = True,
) -> None:
    """Start Kafka, Neo4j and the services, load demo data; Ctrl-C (or `tessera stop` from
    another terminal) stops everything."""
    try:
        if not _start_stack(load_demo=load_demo):
            return
    except KeyboardInterrupt:
        console.print("interrupted: stopping what was started")
        _stop_everything()
        raise typer.Exit(code=130) from None
    if detach:
        console.print("running in the background; `make stop` stops everything")
        return
    console.print(
        "[bold]Tessera is running.[/] Press Ctrl-C, or run `make stop` in another terminal, "
        "to stop everything."
    )
    with _stop_requests() as asked:
        stack.FOREGROUND_RUN.record(os.getpid())
        try:
            requested = _wait_for_stop(asked)
            if not requested:
                console.print(
                    f"[red]the services have stopped by themselves[/]; their logs are in {LOGS}"
                )
            console.print("stopping everything...")
            _stop_everything()
        finally:
            stack.FOREGROUND_RUN.forget(os.getpid())
    if not requested:
        raise typer.Exit(code=1)
    console.print("[bold]Tessera stopped.[/]")


def _start_stack(*, load_demo: bool) -> bool:
    """Start everything; False when Tessera was already running."""
    try:
        with exclusive("stack"):
            if running := stack.running_services():
                _print_running(running)
                return False
            try:
                _infra_up()
                for line in stack.start_services():
                    console.print(line)
            except (InfraError, StartFailed):
                stack.stop_services()
                raise
    except (InfraError, StartFailed) as error:
        raise _fail(str(error)) from error
    if load_demo:
        demo_load()
    for name, url in _urls().items():
        console.print(f"{name} API: {url}  (OpenAPI at {url}/docs)")
    console.print(f"web front end: {_web_url()}")
    return True


@contextmanager
def _stop_requests() -> Iterator[threading.Event]:
    """An event set by Ctrl-C (SIGINT) or `tessera stop` (SIGTERM); while it is held, neither
    signal interrupts the stopping, and the handlers before are restored after it."""
    asked = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:  # noqa: ARG001
        asked.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield asked
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _wait_for_stop(asked: threading.Event, *, poll_s: float = 1.0) -> bool:
    """Wait until a stop is asked for (True) or every service has stopped by itself (False)."""
    while not asked.wait(poll_s):
        if not stack.running_services():
            return False
    return True


def _stop_everything(*, quiet: bool = False) -> None:
    """Stop the services, then Kafka and Neo4j; quiet leaves out what was not running."""
    try:
        with exclusive("stack"):
            lines = stack.stop_services() + local_infra.stop_all()
    except StartFailed as error:
        raise _fail(str(error)) from error
    for line in lines:
        if not (quiet and line.endswith(": not running")):
            console.print(line)


@app.command("stop")
def stop() -> None:
    """Stop the services, then Kafka and Neo4j. A `tessera run` (`make run`) waiting in the
    foreground is asked to stop them itself, and ends with exit status 0."""
    foreground = stack.FOREGROUND_RUN.pid()
    if foreground is not None and foreground != os.getpid():
        console.print(
            f"asking the `tessera run` in the foreground (pid {foreground}) to stop everything"
        )
        console.print(stack.FOREGROUND_RUN.stop(timeout_s=stack.FOREGROUND_STOP_TIMEOUT_S))
    _stop_everything(quiet=foreground is not None)
    console.print("Tessera stopped")


@app.command("status")
def status() -> None:
    """Show the state of the services and the infrastructure."""
    table = Table("process", "state", "detail")
    for service in stack.services():
        pid = service.process.pid()
        table.add_row(service.name, "running" if pid else "stopped", f"pid {pid}" if pid else "")
    for row in local_infra.status_lines():
        table.add_row(*row)
    console.print(table)


if __name__ == "__main__":
    sys.exit(app())
