"""Turns bench/results/results.json into docs/performance.md and prints its tables.

python bench/report.py bench/results/results.json docs/performance.md
"""

import math
import sys
import textwrap
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import json

from pages import BY_KEY

KB = 1024
# The targets (see "Targets" in the report), as shares of the baseline's requests per second.
FILTERED_MIN_SHARE = 0.30  # the filtered directory from the page cache
FRAGMENT_MIN_SHARE = 0.50  # the HTMX fragment from the page cache
UNCACHED_PAGE_MIN_SHARE = 0.05  # every full page rendered anew (page cache off)
UNCACHED_FRAGMENT_MIN_SHARE = 0.10  # the HTMX fragment rendered anew
MIX_STEADY_MIN_SHARE = 0.15  # the realistic mix, page cache on, once every address was asked for
MIX_AFTER_EDIT_MIN_SHARE = 0.05  # the same in the minute after an edit
MIX_PHASES = [
    ("cold", "Cold: a new server, an empty cache"),
    ("fill", "Every address asked for once (in file order)"),
    ("steady", "Steady state: random addresses"),
    ("after_edit", "The minute after an edit"),
]
MAX_TAIL = 5  # p99 at most this many times p50
PAGE_MAX_KB = 60
FRAGMENT_MAX_KB = 8
MEMORY_LABELS = {
    "baseline": "Baseline",
    "site": "Site, page cache on",
    "uncached": "Site, page cache off",
    "mix": "Site, realistic mix",
}
LIGHTHOUSE_LABELS = {
    "performance": "Performance",
    "accessibility": "Accessibility",
    "best-practices": "Best practices",
    "seo": "SEO",
}


def mark(ok: bool) -> str:
    return "✅" if ok else "❌"


def rate(value: float) -> str:
    return f"{value:,.0f}" if value >= 100 else f"{value:,.1f}"


def ms(value: float) -> str:
    if value >= 100:
        return f"{value:,.0f}"
    return f"{value:.1f}" if value >= 10 else f"{value:.2f}"


def kb(size: int) -> str:
    return f"{size / KB:,.1f}"


def percent(share: float) -> str:
    return f"{share * 100:.1f} %"


def times(factor: float) -> str:
    if not math.isfinite(factor) or factor == 0:  # nothing measured
        return "–"
    return f"{factor:,.1f}×" if factor >= 10 else f"{factor:.2f}×"


def tail_of(figures: dict) -> float:
    """p99 as a multiple of p50 (infinite for a run without answers)."""
    return figures["p99_ms"] / figures["p50_ms"] if figures["requests"] and figures["p50_ms"] else float("inf")


def table(header: list[str], rows: list[list[str]], align: str = "") -> str:
    align = align or "l" + "r" * (len(header) - 1)
    rule = ["---:" if a == "r" else "---" for a in align]
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(rule) + " |"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


class Report:
    def __init__(self, results: dict):
        self.r = results
        self.pages = [BY_KEY[key] for key in results["pages"] if key in BY_KEY]
        # The baseline is measured before and after the pages and after the mix; the mean evens out
        # a drifting machine.
        self.baselines = list(results["load"]["baseline"].values())
        self.base = {
            key: sum(run[key] for run in self.baselines) / len(self.baselines) for key in ("rps", "p50_ms", "p99_ms")
        }
        self.mix = results.get("mix")

    # --- figures ----------------------------------------------------------------------------

    def of_baseline(self, figures: dict) -> float:
        return figures["rps"] / self.base["rps"]

    def share(self, mode: str, key: str) -> float:
        return self.of_baseline(self.r["load"][mode][key])

    def tail(self, mode: str, key: str) -> float:
        return tail_of(self.r["load"][mode][key])

    def tail_text(self, mode: str, key: str) -> str:
        return times(self.tail(mode, key)) if self.r["load"][mode][key]["requests"] else "no answer within the run"

    def full_pages(self):
        return [page for page in self.pages if not page.fragment]

    def fragments(self):
        return [page for page in self.pages if page.fragment]

    # --- sections ---------------------------------------------------------------------------

    def intro(self) -> str:
        m = self.r["machine"]
        load = m["load"]
        site, base = m["site"], m["baseline"]
        data = m["data"]

        def counts(d):
            return (
                f"{d['towns']:,} towns, {d['networks']:,} networks, "
                f"{d['memberships']:,} memberships, {d['meetings']:,} meetings"
            )

        uncached = (
            f", {load['uncached_duration_s']:g} s without the page cache"
            if load["uncached_duration_s"] != load["duration_s"]
            else ""
        )
        rows = [
            ["Date", m["date"]],
            [
                "Machine",
                (
                    f"{m['cores']} cores, {m['cpu']}; load average {m['load_average_before']} before the measurements, "
                    f"{m['load_average_after']} after (the benchmark's own load included; other work on the machine "
                    "competes for the same cores, so figures vary from run to run)"
                ),
            ],
            [
                "Software",
                (
                    f"Python {m['python']}, Django {m['django']}, PostgreSQL {m['postgres']}, "
                    f"{m['server']}, wrk {m['wrk']}, Lighthouse {m['lighthouse']} "
                    f"with Chromium {m['chromium']}"
                ),
            ],
            [
                "Servers",
                (
                    f"`server.py`: {site['workers']} {site['worker_class']} workers "
                    f"for the site ({base['workers']} {base['worker_class']} for the baseline), DEBUG off, "
                    f"cache: {m['cache']}"
                ),
            ],
            [
                "Load",
                (
                    f"wrk, {load['connections']} connections, {load['threads']} threads, "
                    f"{load['warmup_s']:g} s warm-up, then {load['duration_s']:g} s per address{uncached}; "
                    "`Accept-Encoding: gzip, deflate, br` like a browser"
                ),
            ],
            ["Large directory", counts(data["large"]) + " (demo network included)"],
            ["Demo directory", counts(data["demo"])],
        ]
        return "\n".join(
            [
                "# Performance",
                "",
                "How fast the public pages answer under load, how much they weigh and how many database",
                "queries they cost, measured on a large directory by one command from a fresh clone:",
                "",
                "```sh",
                "make bench                  # bash bench/run; reuses the large database when it is up to date",
                "bash bench/run --fresh      # builds the benchmark databases anew",
                "BENCH_DURATION=3 BENCH_WARMUP=1 BENCH_LIGHTHOUSE=off make bench   # a quick run",
                "```",
                "",
                "`bench/run` installs what it needs (the project's `.venv`, wrk and Chromium from Debian,",
                "Lighthouse from npm into `bench/node_modules`), uses the PostgreSQL on 127.0.0.1:5432 or",
                "starts a cluster of its own, and builds two databases: `engagiert_bench_demo` (the demo",
                "network) and `engagiert_bench_large` (the demo network plus 10,000 synthetic towns in",
                "1,000 networks with 100,000 memberships and 50,000 meetings, made by",
                "`demo.synthetic.generate_directory`; kept between runs). It serves the large",
                "directory with the production profile over `server.py` three times: with the page cache,",
                "without it (`PAGE_CACHE=off`), and once more with the page cache for the realistic mix",
                "of many different addresses, unused until the mix starts; and, as the baseline, a bare",
                'Django project (`bench/hello.py`: one view answering "Hallo", no apps, no middleware)',
                "with the same server configuration. Ratios to the baseline take much of the machine out of the",
                "figures; other work on the same cores still moves them from run to run.",
                "Raw output (wrk, Lighthouse, server logs, `results.json`) lands in `bench/results/`.",
                "",
                "This file is written by `bench/report.py`; rerun the benchmark rather than editing it.",
                "",
                "## Last run",
                "",
                table(["", ""], rows, "ll"),
            ]
        )

    def targets(self) -> str:
        rows = []

        def load_target(label, key, minimum):
            cached, uncached = self.share("cached", key), self.share("uncached", key)
            rows.append(
                [
                    label,
                    f"{percent(cached)} (without page cache: {percent(uncached)} {mark(uncached >= minimum)})",
                    mark(cached >= minimum),
                ]
            )

        if "towns-filtered" in self.r["load"]["cached"]:
            load_target(
                f"{BY_KEY['towns-filtered'].label}, full page: ≥ {FILTERED_MIN_SHARE * 100:.0f} % of baseline req/s",
                "towns-filtered",
                FILTERED_MIN_SHARE,
            )
        for fragment in self.fragments():
            load_target(
                f"{fragment.label}: ≥ {FRAGMENT_MIN_SHARE * 100:.0f} % of baseline req/s",
                fragment.key,
                FRAGMENT_MIN_SHARE,
            )

        by_share = sorted(self.full_pages(), key=lambda page: self.share("uncached", page.key))
        slowest, fastest = by_share[0], by_share[-1]
        rows.append(
            [
                f"Without the page cache, every full page: ≥ {UNCACHED_PAGE_MIN_SHARE * 100:.0f} % of baseline req/s",
                f"slowest: {slowest.label} {percent(self.share('uncached', slowest.key))}; "
                f"fastest: {fastest.label} {percent(self.share('uncached', fastest.key))}",
                mark(self.share("uncached", slowest.key) >= UNCACHED_PAGE_MIN_SHARE),
            ]
        )
        for fragment in self.fragments():
            share = self.share("uncached", fragment.key)
            rows.append(
                [
                    f"Without the page cache, {fragment.label}: ≥ {UNCACHED_FRAGMENT_MIN_SHARE * 100:.0f} % of baseline req/s",
                    percent(share),
                    mark(share >= UNCACHED_FRAGMENT_MIN_SHARE),
                ]
            )
        if self.mix:
            for phase, minimum, label in (
                ("steady", MIX_STEADY_MIN_SHARE, "in steady state"),
                ("after_edit", MIX_AFTER_EDIT_MIN_SHARE, "in the minute after an edit"),
            ):
                share = self.of_baseline(self.mix[phase])
                rows.append(
                    [
                        f"Realistic mix ({self.mix['addresses']:,} addresses, page cache on) {label}: "
                        f"≥ {minimum * 100:.0f} % of baseline req/s",
                        f"{percent(share)} (cache hits {percent(self.mix[phase]['hit_share'])})",
                        mark(share >= minimum),
                    ]
                )

        def tails(mode):
            worst = max(self.pages, key=lambda page: self.tail(mode, page.key))
            failing = [page for page in self.pages if self.tail(mode, page.key) > MAX_TAIL]
            return worst, failing

        worst, failing = tails("cached")
        worst_off, failing_off = tails("uncached")
        detail = f"worst: {worst.label} {self.tail_text('cached', worst.key)}"
        if len(failing) > 1:
            detail += "; over: " + ", ".join(page.label for page in failing)
        detail += (
            f" (without page cache: worst {worst_off.label} {self.tail_text('uncached', worst_off.key)} "
            f"{mark(not failing_off)})"
        )
        rows.append(
            [
                f"p99 ≤ {MAX_TAIL} × p50 under {self.r['machine']['load']['connections']} connections, every page",
                detail,
                mark(not failing),
            ]
        )
        if self.mix:
            mix_tails = {phase: tail_of(self.mix[phase]) for phase, _ in MIX_PHASES if phase != "fill"}
            worst_phase = max(mix_tails, key=mix_tails.get)
            rows.append(
                [
                    f"p99 ≤ {MAX_TAIL} × p50 in the realistic mix (cold, steady, after an edit)",
                    ", ".join(f"{phase.replace('_', ' ')} {times(tail)}" for phase, tail in mix_tails.items()),
                    mark(mix_tails[worst_phase] <= MAX_TAIL),
                ]
            )

        demo, large = self.r["queries"]["demo"], self.r["queries"]["large"]
        grown = [page for page in self.pages if demo[page.key]["queries"] != large[page.key]["queries"]]
        rows.append(
            [
                "Same number of queries on the demo and the large directory",
                "all equal"
                if not grown
                else "; ".join(f"{p.label}: {demo[p.key]['queries']} → {large[p.key]['queries']}" for p in grown),
                mark(not grown),
            ]
        )

        sizes = self.r["sizes"]
        heavy = [p for p in self.full_pages() if sizes[p.key]["total_wire"] > PAGE_MAX_KB * KB]
        heaviest = max(self.full_pages(), key=lambda p: sizes[p.key]["total_wire"])
        rows.append(
            [
                f"Every full page ≤ {PAGE_MAX_KB} KB compressed, with its CSS and JS",
                f"heaviest: {heaviest.label} {kb(sizes[heaviest.key]['total_wire'])} KB"
                + (
                    f"; over: {', '.join(f'{p.label} {kb(sizes[p.key]["total_wire"])} KB' for p in heavy)}"
                    if len(heavy) > 1
                    else ""
                ),
                mark(not heavy),
            ]
        )
        for fragment in self.fragments():
            size = sizes[fragment.key]["wire"]
            rows.append(
                [
                    f"Every fragment ≤ {FRAGMENT_MAX_KB} KB compressed",
                    f"{fragment.label}: {kb(size)} KB",
                    mark(size <= FRAGMENT_MAX_KB * KB),
                ]
            )

        memory = self.r.get("memory")
        if memory:
            rows.append(
                [
                    "Memory per worker stated",
                    "; ".join(
                        f"{MEMORY_LABELS.get(name, name)}: peak {m['peak_mb']:.0f} MB ({m['workers']} workers)"
                        for name, m in memory.items()
                    ),
                    "✅",
                ]
            )

        lighthouse = self.r.get("lighthouse") or {}
        if lighthouse:
            below = [
                f"{BY_KEY[key].label} {LIGHTHOUSE_LABELS[category]} {score}"
                for key, outcome in lighthouse.items()
                for category, score in outcome.get("scores", {}).items()
                if score < 100
            ]
            below += [
                f"{BY_KEY[key].label}: {outcome['error']}" for key, outcome in lighthouse.items() if "error" in outcome
            ]
            rows.append(
                ["Lighthouse 100 in every category", "all 100" if not below else "; ".join(below), mark(not below)]
            )
        else:
            rows.append(["Lighthouse 100 in every category", "not measured in this run (BENCH_LIGHTHOUSE=off)", "–"])

        return "\n".join(
            [
                "## Targets",
                "",
                "One address asked for again and again meets a warm page cache every time, which real",
                "visitors with their many filter combinations do not: so the pages are judged with and",
                "without the page cache, and the realistic mix of many addresses cold, in steady state and",
                "after an edit. Where a target is missed, the findings at the end say what the profile",
                "shows and why.",
                "",
                table(["Target", "Measured", ""], rows, "llc"),
            ]
        )

    def mix_table(self) -> str:
        if not self.mix:
            return "## The realistic mix\n\nNot measured in this run."
        rows = []
        for phase, label in MIX_PHASES:
            f = self.mix[phase]
            notes = []
            if f["errors"]:
                notes.append(f"{f['errors']} errors")
            if f.get("not_200"):
                notes.append(f"{f['not_200']} answers not 200")
            rows.append(
                [
                    label,
                    f"{f['requests']:,}",
                    rate(f["rps"]),
                    percent(self.of_baseline(f)),
                    ms(f["p50_ms"]),
                    ms(f["p99_ms"]),
                    times(tail_of(self.mix[phase])),
                    percent(f["hit_share"]),
                    ", ".join(notes),
                ]
            )
        load = self.r["machine"]["load"]
        return "\n".join(
            [
                "## The realistic mix",
                "",
                textwrap.fill(
                    "Real visitors rarely ask for the same address twice: they combine filters, page on "
                    "and open town and network pages. `bench/mix.py` draws the addresses from the "
                    "filters' real choices in the large directory (a fixed seed: every run replays the "
                    f"same mix): {self.mix['summary']} `bench/mix.lua` lets wrk ({load['connections']} "
                    "connections) pick one at random for every request, with the htmx header where the "
                    "address is a fragment. The server is one of its own with the page cache on, started "
                    "for the mix and unused before it; the phases follow each other: cold from "
                    "the first request, every address once (so the cache holds them), the steady "
                    f"state, and, after a town was saved as the admin saves it ({self.mix['edit_s']:g} s "
                    "for the command that does it), the minute in which every page of the cache is "
                    'stale. "Cache hits" is the share of answers with `X-Cache: hit`.',
                    95,
                ),
                "",
                table(
                    [
                        "Phase",
                        "Requests",
                        "req/s",
                        "of baseline",
                        "p50 ms",
                        "p99 ms",
                        "p99 / p50",
                        "Cache hits",
                        "Notes",
                    ],
                    rows,
                    "lrrrrrrrl",
                ),
            ]
        )

    def memory_table(self) -> str:
        memory = self.r.get("memory")
        if not memory:
            return ""
        rows = [
            [
                MEMORY_LABELS.get(name, name),
                str(m["workers"]),
                f"{m['peak_mb']:.0f}",
                ", ".join(f"{mb:.0f}" for mb in m["each_mb"]),
            ]
            for name, m in memory.items()
        ]
        return "\n".join(
            [
                "## Memory",
                "",
                "Peak resident memory (`VmHWM`) of each worker process at the end of the run, in MB.",
                "",
                table(["Server", "Workers", "Peak MB", "Each worker, MB"], rows, "lrrl"),
            ]
        )

    def load_table(self, mode: str) -> str:
        load = self.r["load"]
        rows = [
            [
                'Baseline: bare Django, "Hallo"',
                f"{rate(self.base['rps'])} ({' / '.join(rate(run['rps']) for run in self.baselines)})",
                "100.0 %",
                ms(self.base["p50_ms"]),
                "1×",
                ms(self.base["p99_ms"]),
                "1×",
                times(self.base["p99_ms"] / self.base["p50_ms"]),
                "",
            ]
        ]
        for page in self.pages:
            f = load[mode][page.key]
            note = []
            if f["errors"]:
                note.append(f"{f['errors']} errors")
            if mode == "cached" and f.get("x_cache"):
                note.append(f"cache {f['x_cache']}")
            if f["requests"] == 0:
                note.append("no answer within the run")
            elif f["requests"] < 2 * self.r["machine"]["load"]["connections"]:
                note.append(f"only {f['requests']} answers: slower ones were cut off by the end of the run")
            if f.get("settle_s", 0) >= 5:
                note.append(f"server busy {f['settle_s']:.0f} s after the run")
            rows.append(
                [
                    page.label,
                    rate(f["rps"]),
                    percent(self.of_baseline(f)),
                    ms(f["p50_ms"]),
                    times(f["p50_ms"] / self.base["p50_ms"]),
                    ms(f["p99_ms"]),
                    times(f["p99_ms"] / self.base["p99_ms"]),
                    times(self.tail(mode, page.key)),
                    ", ".join(note),
                ]
            )
        header = ["Page", "req/s", "of baseline", "p50 ms", "× baseline", "p99 ms", "× baseline", "p99 / p50", "Notes"]
        if mode == "cached":
            title = [
                "## Throughput and latency, page cache on",
                "",
                "The baseline was measured before and after the pages and after the realistic mix (each in",
                'brackets); all ratios use their mean. "cache hit" is the `X-Cache` header after the run.',
            ]
        else:
            title = [
                "## Throughput and latency, page cache off",
                "",
                "The same server with `PAGE_CACHE=off`: every request renders the page, so these figures are",
                "the honest cost of a page that is not in the cache (a first visit, a new filter combination,",
                "the first request after an edit).",
            ]
        return "\n".join([*title, "", table(header, rows, "lrrrrrrrl")])

    def size_table(self) -> str:
        sizes = self.r["sizes"]
        rows = []
        for page in self.pages:
            s = sizes[page.key]
            assets = sum(a["wire"] for a in s["assets"].values())
            served = s["encoding"] if s["encoding"] != "identity" else "not compressed"
            rows.append(
                [
                    page.label,
                    kb(s["wire"]),
                    kb(assets) if not page.fragment else "–",
                    kb(s["total_wire"]),
                    kb(s["raw"]),
                    served,
                ]
            )
        assets = {src: asset["wire"] for page in self.pages for src, asset in sizes[page.key]["assets"].items()}
        lines = [
            "## Size",
            "",
            f"Bytes on the wire as the production server sends them to a browser (KB = {KB} bytes): the HTML,",
            "plus every stylesheet and script it references (`<link rel=stylesheet>`, `<script src>`;",
            "WhiteNoise serves them gzipped). Fragments count alone. Measured on the large directory.",
            "",
            table(["Page", "HTML", "CSS + JS", "Total", "HTML uncompressed", "HTML served"], rows, "lrrrrl"),
        ]
        if assets:
            lines += [
                "",
                "Referenced files: "
                + ", ".join(f"`{src}` {kb(size)} KB" for src, size in sorted(assets.items()))
                + ".",
            ]
        return "\n".join(lines)

    def query_table(self) -> str:
        q = self.r["queries"]
        rows = []
        for page in self.pages:
            demo, large, cached = q["demo"][page.key], q["large"][page.key], q["large_cached"][page.key]
            rows.append(
                [
                    page.label,
                    str(demo["queries"]),
                    str(large["queries"]),
                    mark(demo["queries"] == large["queries"]),
                    str(cached["queries"]),
                    ms(demo["ms"]),
                    ms(large["ms"]),
                    kb(large["bytes"]),
                ]
            )
        return "\n".join(
            [
                "## Database queries",
                "",
                "Counted with Django's test client (anonymous, second request of each page), page cache off,",
                'on the demo and on the large directory; "cached" is the same request with the page cache',
                "on, answered from it. The times are those of that one request in the same process, a hint",
                "at the rendering cost rather than a measurement.",
                "",
                table(
                    ["Page", "Demo", "Large", "Equal", "Cached", "ms, demo", "ms, large", "KB, large (uncompressed)"],
                    rows,
                    "lrrcrrrr",
                ),
            ]
        )

    def lighthouse_table(self) -> str:
        lighthouse = self.r.get("lighthouse") or {}
        if not lighthouse:
            return "## Lighthouse\n\nNot measured in this run (`BENCH_LIGHTHOUSE=off`)."
        rows, findings = [], []
        for key, outcome in lighthouse.items():
            if "error" in outcome:
                rows.append([BY_KEY[key].label, outcome["error"], *[""] * 8])
                continue
            scores, metrics = outcome["scores"], outcome["metrics"]
            rows.append(
                [BY_KEY[key].label]
                + [f"{scores[c]} {mark(scores[c] == 100)}" for c in LIGHTHOUSE_LABELS]
                + [
                    metrics.get("first-contentful-paint", ""),
                    metrics.get("largest-contentful-paint", ""),
                    metrics.get("total-blocking-time", ""),
                    metrics.get("cumulative-layout-shift", ""),
                    ", ".join(map(str, outcome.get("performance_runs", []))),
                ]
            )
            for category, titles in outcome["failing"].items():
                if titles:
                    findings.append(f"- {BY_KEY[key].label}, {LIGHTHOUSE_LABELS[category]}: " + "; ".join(titles))
        first = next((outcome for outcome in lighthouse.values() if "error" not in outcome), {})
        lines = [
            "## Lighthouse",
            "",
            textwrap.fill(
                f"Lighthouse {first.get('version', '')} in headless Chromium, its default "
                f"{first.get('form_factor', 'mobile')} profile (simulated slow 4G and a slowed-down CPU), "
                "against the production server with the large directory. Each page ran "
                f"{len(first.get('performance_runs', [0]))} times and the table shows the run with the "
                "median performance score (every run's score in the last column): the simulated "
                "throttling scales with the CPU time Chromium gets, and other work on the machine "
                "takes some of it away.",
                95,
            ),
            "",
            table(
                ["Page", *LIGHTHOUSE_LABELS.values(), "FCP", "LCP", "TBT", "CLS", "Performance per run"],
                rows,
                "lrrrrrrrrr",
            ),
        ]
        if findings:
            lines += ["", "Audits short of full marks (the category score may still round to 100):", "", *findings]
        return "\n".join(lines)

    def markdown(self) -> str:
        sections = [
            self.intro(),
            self.targets(),
            self.load_table("cached"),
            self.load_table("uncached"),
            self.mix_table(),
            self.memory_table(),
            self.size_table(),
            self.query_table(),
            self.lighthouse_table(),
        ]
        # What profiling found and what changed, kept by hand beside the generated tables.
        findings = Path(__file__).with_name("findings.md")
        if findings.is_file():
            sections.append(findings.read_text().strip())
        return "\n\n".join(sections) + "\n"


def main() -> None:
    results_file, output = Path(sys.argv[1]), Path(sys.argv[2])
    report = Report(json.loads(results_file.read_text()))
    text = report.markdown()
    output.write_text(text)
    # The tables, for the terminal: everything after the introduction.
    print(text[text.index("## Targets") :])
    print(f"Written to {output}.")


if __name__ == "__main__":
    main()
