"""The measurements of the benchmark; bench/run starts the servers and calls this.

    python bench/measure.py wait URL
    python bench/measure.py run --baseline URL --site URL --uncached URL --mix URL \
        --demo-db URL --large-db URL --results DIR

`run` measures, in this order, and writes everything to DIR/results.json:

1. every page once from the production server: status, size as served (gzip) with the CSS
   and JavaScript it references, whether it came from the page cache;
2. throughput and latency with wrk: the baseline, every page from the production server
   (page cache on), the baseline again, then every page with the page cache off;
3. the realistic mix (bench/mix.py, bench/mix.lua) against a server of its own that has served
   nothing yet: cold, in steady state once every address was asked for, and in the minute after
   an edit; then the baseline a third time, and the peak memory of every server's workers;
4. Lighthouse (performance, accessibility, best practices, SEO) for the pages marked so;
5. database queries per page on the demo and on the large database (bench/queries.py).

Durations and load come from the environment: BENCH_DURATION (seconds per measured run,
default 15), BENCH_WARMUP (seconds of load before each, default 2), BENCH_UNCACHED_DURATION
(the same with the page cache off, default 10 or BENCH_DURATION if shorter),
BENCH_CONNECTIONS (50), BENCH_THREADS (2), BENCH_LIGHTHOUSE_RUNS (3, the median counts) or
BENCH_LIGHTHOUSE=off; for the mix BENCH_MIX_COLD (30), BENCH_MIX_AFTER_EDIT (60) and
BENCH_MIX_FILL_MAX (300, seconds at most to ask for every address once).
"""

import argparse
import datetime
import gzip
import html.parser
import json
import os
import platform
import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from email.message import Message
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))

from data import connect, count_rows
from pages import PAGES

WRK_SCRIPT = BENCH / "wrk.lua"
MIX_SCRIPT = BENCH / "mix.lua"
MIX_BUILDER = BENCH / "mix.py"
LIGHTHOUSE = BENCH / "node_modules" / ".bin" / "lighthouse"
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-background-networking "
    "--disable-component-update --disable-sync --no-first-run"
)
LIGHTHOUSE_CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
# What a browser says it accepts; the pages and static files answer with gzip.
ACCEPT_ENCODING = "gzip, deflate, br"


def env_number(name: str, default: float) -> float:
    value = os.environ.get(name, "").strip()
    return float(value) if value else default


DURATION = env_number("BENCH_DURATION", 15)
WARMUP = env_number("BENCH_WARMUP", 2)
UNCACHED_DURATION = env_number("BENCH_UNCACHED_DURATION", min(10, DURATION))
CONNECTIONS = int(env_number("BENCH_CONNECTIONS", 50))
THREADS = int(env_number("BENCH_THREADS", 2))
LIGHTHOUSE_RUNS = max(1, int(env_number("BENCH_LIGHTHOUSE_RUNS", 3)))
MIX_COLD = env_number("BENCH_MIX_COLD", 30)
MIX_AFTER_EDIT = env_number("BENCH_MIX_AFTER_EDIT", 60)
MIX_FILL_MAX = env_number("BENCH_MIX_FILL_MAX", 300)


def log(message: str) -> None:
    print(f"   {message}", flush=True)


# --- HTTP -------------------------------------------------------------------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def fetch(url: str, headers: dict | None = None) -> tuple[int, Message, bytes]:
    """(status, headers, body as sent: still compressed) of a GET, redirects not followed.

    The headers stay a Message, whose names are case-insensitive: granian sends them in lower
    case ("content-encoding"), as HTTP allows."""
    request = urllib.request.Request(url, headers={"Accept-Encoding": ACCEPT_ENCODING, **(headers or {})})
    try:
        with _opener.open(request, timeout=120) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def wait(url: str, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            status, _, _ = fetch(url)
            if status == 200:
                return
        except OSError:
            pass
        if time.monotonic() > deadline:
            sys.exit(f"{url} did not answer 200 within {seconds:.0f} s")
        time.sleep(0.3)


def decoded(headers: Message, body: bytes) -> bytes:
    return gzip.decompress(body) if headers.get("Content-Encoding") == "gzip" else body


class _Assets(html.parser.HTMLParser):
    """The stylesheets and scripts a page loads."""

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and "stylesheet" in (attrs.get("rel") or "").split() and attrs.get("href"):
            self.urls.append(attrs["href"])
        elif tag == "script" and attrs.get("src"):
            self.urls.append(attrs["src"])


def sizes(site: str) -> dict:
    """Per page: status, bytes as served and uncompressed, cache state, and its CSS and JS as served."""
    results = {}
    for page in PAGES:
        url = site + page.path
        status, headers, body = fetch(url, page.headers)
        if status != 200:
            sys.exit(f"{page.path} answered {status}, not 200: the benchmark would measure an error page")
        html_text = decoded(headers, body)
        entry = {
            "status": status,
            "encoding": headers.get("Content-Encoding", "identity"),
            "wire": len(body),
            "raw": len(html_text),
            "gzip6": len(gzip.compress(html_text, 6)),
            "x_cache": headers.get("X-Cache", ""),
            "assets": {},
        }
        if not page.fragment:
            parser = _Assets()
            parser.feed(html_text.decode("utf-8", "replace"))
            for src in dict.fromkeys(parser.urls):
                asset_url = urllib.parse.urljoin(url, src)
                asset_status, asset_headers, asset_body = fetch(asset_url)
                if asset_status != 200:
                    sys.exit(f"{src} (referenced by {page.path}) answered {asset_status}")
                entry["assets"][src] = {
                    "encoding": asset_headers.get("Content-Encoding", "identity"),
                    "wire": len(asset_body),
                    "raw": len(decoded(asset_headers, asset_body)),
                }
        entry["total_wire"] = entry["wire"] + sum(asset["wire"] for asset in entry["assets"].values())
        results[page.key] = entry
    return results


# --- wrk --------------------------------------------------------------------------------------


def wrk(url: str, headers: dict, seconds: float, raw_output: Path, script: Path = WRK_SCRIPT, script_args=()) -> dict:
    command = [
        "wrk",
        f"--threads={THREADS}",
        f"--connections={CONNECTIONS}",
        f"--duration={max(1, round(seconds))}s",
        "--timeout=30s",
        "--latency",
        f"--script={script}",
        f"--header=Accept-Encoding: {ACCEPT_ENCODING}",
        *(f"--header={name}: {value}" for name, value in headers.items()),
        url,
        *(["--", *script_args] if script_args else []),
    ]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    raw_output.parent.mkdir(parents=True, exist_ok=True)
    raw_output.write_text(" ".join(command) + "\n\n" + output)
    line = next(line for line in output.splitlines() if line.startswith("BENCH_JSON "))
    figures = json.loads(line.removeprefix("BENCH_JSON "))
    latency = figures["latency_us"]
    result = {
        "rps": figures["requests"] / (figures["duration_us"] / 1e6),
        "requests": figures["requests"],
        "p50_ms": latency["p50"] / 1000,
        "p90_ms": latency["p90"] / 1000,
        "p99_ms": latency["p99"] / 1000,
        "max_ms": latency["max"] / 1000,
        "errors": sum(figures["errors"].values()),
        "error_detail": figures["errors"],
    }
    if "cache" in figures:  # bench/mix.lua: the answers by X-Cache, and those that were not 200
        result["cache"] = figures["cache"]
        result["not_200"] = figures["not_200"]
    return result


def _workers(pid: int) -> list[int]:
    """The child processes of a server's main process: its workers."""
    children = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(child) for child in children.read_text().split()] if children.exists() else []


def _cpu_seconds(pid: int) -> float:
    """CPU time used so far by a process and its children (the server's main process and workers)."""
    ticks = 0
    for each in [pid, *_workers(pid)]:
        try:
            fields = Path(f"/proc/{each}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def settle(pid: int, limit: float = 300) -> float:
    """Wait until the server is idle; returns the seconds that took.

    When wrk stops, requests it sent are still queued at the server, and the server's workers go
    on rendering them for clients long gone. On a slow page that takes many seconds, and would
    load the next measurement; so the next one starts only once the server's processes have
    used (almost) no CPU for a second.
    """
    started = time.monotonic()
    quiet = 0
    before = _cpu_seconds(pid)
    while quiet < 2 and time.monotonic() - started < limit:
        time.sleep(0.5)
        now = _cpu_seconds(pid)
        quiet = quiet + 1 if 0 <= now - before < 0.05 else 0
        before = now
    return time.monotonic() - started


def load(name: str, url: str, headers: dict, seconds: float, results: Path, pid: int) -> dict:
    # One request first, so that the page cache holds the page before fifty clients ask at once.
    fetch(url, headers)
    settle(pid)
    if WARMUP > 0:
        wrk(url, headers, WARMUP, results / "wrk" / f"{name}-warmup.txt")
        settle(pid)
    figures = wrk(url, headers, seconds, results / "wrk" / f"{name}.txt")
    figures["settle_s"] = round(settle(pid), 1)
    log_run(name, figures, f"   (busy {figures['settle_s']:.0f} s afterwards)" if figures["settle_s"] >= 3 else "")
    return figures


def log_run(name: str, figures: dict, notes: str = "") -> None:
    log(
        f"{name:28} {figures['rps']:9.1f} req/s   p50 {figures['p50_ms']:8.2f} ms   p99 {figures['p99_ms']:8.2f} ms"
        + (f"   {figures['errors']} errors" if figures["errors"] else "")
        + notes
    )


# --- the realistic mix ------------------------------------------------------------------------


def django_env(database_url: str, **settings: str) -> dict:
    """The environment of a Django command the benchmark runs beside the servers: the database
    given, its own local cache (the servers' shared cache stays untouched), quiet logs."""
    env = {**os.environ, "DATABASE_URL": database_url, "LOG_LEVEL": "WARNING", **settings}
    env.pop("REDIS_URL", None)
    return env


def mix_addresses(database_url: str, path: Path) -> tuple[int, str]:
    env = django_env(database_url)
    output = subprocess.run(
        [sys.executable, str(MIX_BUILDER), str(path)], capture_output=True, text=True, check=True, env=env
    ).stdout.strip()
    return len(path.read_text().splitlines()), output


def edit_town(database_url: str) -> float:
    """Saves a town as the admin saves it (Model.save): the directory's token in the database
    changes, so every cached page of every server turns stale."""
    env = django_env(database_url)
    code = (
        "from cities.models import City; city = City.objects.get(slug='wittenberg'); "
        "city.description = city.description.rstrip() + ' '; city.save()"
    )
    started = time.monotonic()
    subprocess.run([sys.executable, str(ROOT / "manage.py"), "shell", "-c", code], check=True, env=env)
    return time.monotonic() - started


def mix_run(name: str, url: str, file: Path, mode: str, seconds: float, results: Path) -> dict:
    figures = wrk(
        url + "/",
        {},
        seconds,
        results / "wrk" / f"{name}.txt",
        script=MIX_SCRIPT,
        script_args=(str(file), mode, str(THREADS)),
    )
    cache = figures.get("cache", {})
    answered = sum(cache.values()) or 1
    figures["hit_share"] = cache.get("hit", 0) / answered
    log_run(
        name,
        figures,
        f"   cache hits {figures['hit_share'] * 100:5.1f} %"
        + (f"   {figures['not_200']} not 200" if figures.get("not_200") else ""),
    )
    return figures


def mix(args, results: Path, pid: int) -> dict:
    """The realistic mix against a server that has served nothing yet: (a) cold, (b) once every
    address was asked for (steady state), (c) the minute after an edit."""
    file = results / "mix-addresses.txt"
    count, summary = mix_addresses(args.large_db, file)
    log(summary)
    outcome = {"addresses": count, "summary": summary}
    outcome["cold"] = mix_run("mix-cold", args.mix, file, "random", MIX_COLD, results)
    # Every address once (at the rate of the cold run it takes this long), so the cache holds them.
    fill = min(MIX_FILL_MAX, max(10.0, 1.5 * count / max(outcome["cold"]["rps"], 1)))
    outcome["fill"] = mix_run("mix-fill", args.mix, file, "walk", fill, results)
    settle(pid)
    outcome["steady"] = mix_run("mix-steady", args.mix, file, "random", DURATION, results)
    settle(pid)
    outcome["edit_s"] = round(edit_town(args.large_db), 1)
    outcome["after_edit"] = mix_run("mix-after-edit", args.mix, file, "random", MIX_AFTER_EDIT, results)
    settle(pid)
    return outcome


def peak_memory(pid: int) -> dict:
    """Peak resident memory (VmHWM) of each worker process of a server, in MB."""
    peaks = []
    for worker in _workers(pid):
        try:
            status = Path(f"/proc/{worker}/status").read_text()
        except OSError:
            continue
        found = re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE)
        if found:
            peaks.append(round(int(found.group(1)) / 1024, 1))
    return {"workers": len(peaks), "peak_mb": max(peaks, default=0), "each_mb": peaks}


# --- Lighthouse -------------------------------------------------------------------------------


def lighthouse_once(url: str, report: Path) -> dict:
    command = [
        str(LIGHTHOUSE),
        url,
        "--output=json",
        f"--output-path={report}",
        f"--chrome-flags={CHROME_FLAGS}",
        f"--only-categories={','.join(LIGHTHOUSE_CATEGORIES)}",
        "--quiet",
    ]
    env = {**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")}
    # Lighthouse now and then fails to record a trace on a busy machine; a second try is fair.
    for attempt in (1, 2):
        if subprocess.run(command, env=env, stdout=subprocess.DEVNULL, check=False).returncode == 0:
            break
        if attempt == 2:
            return {"error": "Lighthouse failed twice (see the output above)"}
    data = json.loads(report.read_text())
    audits = data["audits"]
    result = {"scores": {}, "failing": {}, "metrics": {}}
    for key in LIGHTHOUSE_CATEGORIES:
        category = data["categories"][key]
        result["scores"][key] = round((category["score"] or 0) * 100)
        result["failing"][key] = [
            audits[ref["id"]]["title"]
            for ref in category["auditRefs"]
            if ref.get("weight") and audits[ref["id"]].get("score") is not None and audits[ref["id"]]["score"] < 1
        ]
    for metric in (
        "first-contentful-paint",
        "largest-contentful-paint",
        "total-blocking-time",
        "cumulative-layout-shift",
    ):
        result["metrics"][metric] = audits[metric].get("displayValue", "")
    result["version"] = data.get("lighthouseVersion", "")
    result["form_factor"] = data.get("configSettings", {}).get("formFactor", "")
    return result


def lighthouse(url: str, reports: Path, key: str) -> dict:
    """The median of LIGHTHOUSE_RUNS runs by performance score, as Lighthouse's own docs advise:
    its simulated throttling scales with the CPU time it observes, which a busy machine inflates."""
    runs = [lighthouse_once(url, reports / f"{key}-{number}.json") for number in range(1, LIGHTHOUSE_RUNS + 1)]
    done = sorted((run for run in runs if "error" not in run), key=lambda run: run["scores"]["performance"])
    if not done:
        return runs[0]
    median = done[(len(done) - 1) // 2]
    return {**median, "performance_runs": [run["scores"]["performance"] for run in done]}


# --- queries ----------------------------------------------------------------------------------


def queries(database_url: str, page_cache: str) -> dict:
    env = django_env(database_url, PAGE_CACHE=page_cache, ALLOWED_HOSTS="testserver")
    output = subprocess.run(
        [sys.executable, str(BENCH / "queries.py")], capture_output=True, text=True, check=True, env=env
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


# --- the machine ------------------------------------------------------------------------------


def server_setup(log_file: Path) -> dict:
    text = log_file.read_text(errors="replace") if log_file.exists() else ""
    return {"workers": len(re.findall(r"Spawning worker-\d+ with PID", text)), "worker_class": "granian WSGI"}


def version_of(command: list[str], pattern: str) -> str:
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return "?"
    found = re.search(pattern, result.stdout + result.stderr)
    return found.group(1) if found else "?"


def machine(args) -> dict:
    import django
    import granian

    cpu = "?"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        found = re.search(r"^model name\s*:\s*(.+)$", cpuinfo.read_text(), re.MULTILINE)
        cpu = found.group(1).strip() if found else "?"
    with connect(args.large_db) as conn:
        postgres = conn.execute("SHOW server_version").fetchone()[0].split()[0]
    lighthouse_version = "?"
    package = BENCH / "node_modules" / "lighthouse" / "package.json"
    if package.exists():
        lighthouse_version = json.loads(package.read_text())["version"]
    redis_url = os.environ.get("REDIS_URL", "")
    return {
        "date": datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "cores": os.cpu_count(),
        "cpu": cpu,
        "python": platform.python_version(),
        "django": django.__version__,
        "server": f"granian {granian.__version__}",
        "postgres": postgres,
        "wrk": version_of(["wrk", "--version"], r"wrk (?:\w+/)?([\d.]+)"),
        "chromium": version_of(["/usr/bin/chromium", "--version"], r"Chromium ([\d.]+)"),
        "lighthouse": lighthouse_version,
        "cache": f"Redis ({redis_url})" if redis_url else "local memory (one cache per worker)",
        "site": server_setup(args.results / "server-site.log"),
        "baseline": server_setup(args.results / "server-baseline.log"),
        "load_average_before": round(os.getloadavg()[0], 1),
        "load": {
            "connections": CONNECTIONS,
            "threads": THREADS,
            "warmup_s": WARMUP,
            "duration_s": DURATION,
            "uncached_duration_s": UNCACHED_DURATION,
        },
        "data": {"demo": count_rows(args.demo_db), "large": count_rows(args.large_db)},
    }


# --- main -------------------------------------------------------------------------------------


def run(args) -> None:
    results_dir = args.results
    results = {"machine": machine(args), "pages": [page.key for page in PAGES]}

    print("== Sizes (production server, large directory)", flush=True)
    results["sizes"] = sizes(args.site)
    for key, entry in results["sizes"].items():
        total, html_size = entry["total_wire"] / 1024, entry["wire"] / 1024
        log(f"{key:28} {total:7.1f} KB with CSS and JS   (HTML {html_size:.1f} KB {entry['encoding']})")

    print(
        f"== Load: {CONNECTIONS} connections, {THREADS} threads, {WARMUP:g} s warm-up + {DURATION:g} s per URL",
        flush=True,
    )
    pids = {name: int((results_dir / f"server-{name}.pid").read_text()) for name in ("baseline", "site", "uncached")}
    baseline_start = load("baseline", args.baseline + "/", {}, DURATION, results_dir, pids["baseline"])
    cached = {}
    for page in PAGES:
        url = args.site + page.path
        cached[page.key] = load(f"cached-{page.key}", url, page.headers, DURATION, results_dir, pids["site"])
        cached[page.key]["x_cache"] = fetch(url, page.headers)[1].get("X-Cache", "")
    baseline_end = load("baseline-again", args.baseline + "/", {}, DURATION, results_dir, pids["baseline"])
    print(f"== Load with the page cache off ({UNCACHED_DURATION:g} s per URL)", flush=True)
    uncached = {}
    for page in PAGES:
        url = args.uncached + page.path
        uncached[page.key] = load(
            f"uncached-{page.key}", url, page.headers, UNCACHED_DURATION, results_dir, pids["uncached"]
        )
    print(
        f"== The realistic mix (a server of its own, page cache on): {MIX_COLD:g} s cold, every address once, "
        f"{DURATION:g} s steady, {MIX_AFTER_EDIT:g} s after an edit",
        flush=True,
    )
    pids["mix"] = int((results_dir / "server-mix.pid").read_text())
    results["mix"] = mix(args, results_dir, pids["mix"])
    baseline_mix = load("baseline-after-mix", args.baseline + "/", {}, DURATION, results_dir, pids["baseline"])
    results["load"] = {
        "baseline": {"start": baseline_start, "end": baseline_end, "after_mix": baseline_mix},
        "cached": cached,
        "uncached": uncached,
    }
    results["memory"] = {name: peak_memory(pid) for name, pid in pids.items()}
    for name, memory in results["memory"].items():
        log(f"{name:28} {memory['workers']} workers, peak {memory['peak_mb']:.0f} MB each at most")

    results["lighthouse"] = {}
    if os.environ.get("BENCH_LIGHTHOUSE", "on").lower() not in {"off", "0", "false", "no"}:
        print("== Lighthouse", flush=True)
        for page in PAGES:
            if page.lighthouse:
                reports = results_dir / "lighthouse"
                reports.mkdir(parents=True, exist_ok=True)
                results["lighthouse"][page.key] = outcome = lighthouse(args.site + page.path, reports, page.key)
                log(
                    f"{page.key:28} "
                    + "  ".join(f"{k} {v}" for k, v in outcome.get("scores", outcome).items())
                    + (
                        f"   (performance in each run: {outcome['performance_runs']})"
                        if "performance_runs" in outcome
                        else ""
                    )
                )

    print("== Database queries per page", flush=True)
    results["queries"] = {
        "demo": queries(args.demo_db, "off"),
        "large": queries(args.large_db, "off"),
        "large_cached": queries(args.large_db, "on"),
    }
    for page in PAGES:
        log(
            f"{page.key:28} demo {results['queries']['demo'][page.key]['queries']:3}   "
            f"large {results['queries']['large'][page.key]['queries']:3}   "
            f"({results['queries']['large'][page.key]['ms']:.0f} ms to render at large size)"
        )

    results["machine"]["load_average_after"] = round(os.getloadavg()[0], 1)
    (results_dir / "results.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    wait_command = commands.add_parser("wait", help="wait until URL answers 200")
    wait_command.add_argument("url")
    run_command = commands.add_parser("run", help="measure everything")
    for name in ("baseline", "site", "uncached", "mix", "demo-db", "large-db"):
        run_command.add_argument(f"--{name}", required=True)
    run_command.add_argument("--results", type=Path, required=True)
    args = parser.parse_args()
    if args.command == "wait":
        wait(args.url)
    else:
        run(args)


if __name__ == "__main__":
    main()
