"""The run's results: a JSON file, a table on stdout, and bench-results/latest.md."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HEADER = ("scenario", "rps", "p50 ms", "p99 ms", "SF req/view",
          "ratio to reference (rounds)", "non-2xx")


def _number(value: float | None, digits: int = 0) -> str:
    return "n/a" if value is None else f"{value:,.{digits}f}"


def _markdown(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> list[str]:
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows, strict=True)]

    def line(cells: tuple[str, ...]) -> str:
        return "| " + " | ".join(str(c).ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"

    return [line(header), "|" + "|".join("-" * (w + 2) for w in widths) + "|", *map(line, rows)]


def _reference_rows(rows: list[dict[str, Any]]) -> list[tuple[str, ...]]:
    """The reference's runs (next to each scenario), averaged per way of measuring and
    number of connections (its latencies at 64 connections are not those at 16)."""
    lines = []
    kinds = sorted({(row["reference"]["method"], row["connections"]) for row in rows},
                   key=lambda kind: (kind[0] != "wrk", kind[1]))
    for method, connections in kinds:
        runs = [row["reference"] for row in rows
                if (row["reference"]["method"], row["connections"]) == (method, connections)]
        rps = [run["rps"] for run in runs]
        each = [one for run in runs for one in run.get("runs", [run["rps"]])]
        spread = (f", {len(each)} runs: {min(each):,.0f}-{max(each):,.0f}"
                  if len(each) > 1 else "")
        lines.append((
            f"reference: bare Flask ({method}, {connections} connections{spread})",
            _number(sum(rps) / len(rps)),
            _number(sum(run["p50_ms"] for run in runs) / len(runs), 1),
            _number(sum(run["p99_ms"] for run in runs) / len(runs), 1),
            "-",
            "1.00",
            str(sum(run["non2xx"] for run in runs)),
        ))
    return lines


def _ratio_cell(row: dict[str, Any]) -> str:
    """The scenario's ratio (the median of its rounds'), and the rounds' range."""
    ratios = row.get("ratios") or []
    if len(ratios) > 1:
        return (f"{_number(row['ratio_to_reference'], 2)} "
                f"({_number(min(ratios), 2)}-{_number(max(ratios), 2)})")
    return f"{_number(row['ratio_to_reference'], 2)} (of {_number(row['reference_rps'])})"


def scenario_table(results: dict[str, Any]) -> list[str]:
    rows = _reference_rows(results["scenarios"])
    for row in results["scenarios"]:
        how = " (python, once)" if row["method"] == "python-once" else ""
        rows.append((
            f"{row['name']}: {row['title']}{how}",
            _number(row["rps"]),
            _number(row["p50_ms"], 1),
            _number(row["p99_ms"], 1),
            _number(row["sf_per_view"], 2),
            _ratio_cell(row),
            str(row["non2xx"]),
        ))
    return _markdown(HEADER, rows)


def time_table(results: dict[str, Any]) -> list[str]:
    """Where the time goes: CPU per page view in each process, and what else happened."""
    header = ("scenario", "storefront CPU ms/view", "demo shop CPU ms/view",
              "reference CPU ms/request", "CPU ratio (reference / storefront)",
              "SF requests by operation", "worker restarts", "load 1 min")
    rows = [
        (r["name"], _number(r["cpu_ms_per_view"]["storefront"], 2),
         _number(r["cpu_ms_per_view"]["demo_shop"], 2),
         _number(r["reference"]["cpu_ms_per_request"], 2),
         _number(_cpu_ratio(r), 2),
         ", ".join(f"{op} {n}" for op, n in sorted(r["sf_by_operation"].items())) or "-",
         str(r["worker_restarts"]), _number(r["load_1m_before"], 2))
        for r in results["scenarios"]
    ]
    return _markdown(header, rows)


def _cpu_ratio(row: dict[str, Any]) -> float | None:
    """The bare app's CPU per request over the storefront's per view (both from /proc):
    throughput's ratio as the CPU sees it, steadier than throughput on a shared machine
    (1.0 or more: a view costs no more than the bare app's "ok")."""
    mine, theirs = row["cpu_ms_per_view"]["storefront"], row["reference"]["cpu_ms_per_request"]
    return theirs / mine if mine and theirs else None


def scale_table(results: dict[str, Any]) -> list[str]:
    """Creator pages with the shipped creators and with 10,000 more; server memory."""
    by_name = {row["name"]: row for row in results["scenarios"]}
    pairs = [(by_name.get(r["baseline"]), r) for r in results["scenarios"] if r["baseline"]]
    pairs = [(base, row) for base, row in pairs if base]
    if not pairs:
        return []
    rows = []
    for base, row in pairs:
        base_mb = base["memory"]["total_kb"] / 1024
        row_mb = row["memory"]["total_kb"] / 1024
        pss = [r["memory"].get("total_pss_kb", 0) / 1024 for r in (base, row)]
        rows.append((
            base["name"],
            f"{base['creators']:,} -> {row['creators']:,}",
            f"{_number(base['rps'])} -> {_number(row['rps'])}",
            _number(row["ratio_to_baseline"], 2),
            f"{base_mb:,.0f} -> {row_mb:,.0f}",
            f"{pss[0]:,.0f} -> {pss[1]:,.0f}",
            f"{row_mb - base_mb:+,.0f} MB ({row_mb / base_mb - 1:+.0%})" if base_mb else "n/a",
        ))
    header = ("page", "creator files", "rps", "ratio", "gunicorn RSS MB (master+workers)",
              "PSS MB (shared pages split)", "growth")
    return _markdown(header, rows)


def funnel_table(results: dict[str, Any]) -> list[str]:
    """What recording the creator funnels costs: the same page with recording on and off."""
    by_name = {row["name"]: row for row in results["scenarios"]}
    pairs = [(by_name.get(r["recording_of"]), r) for r in results["scenarios"]
             if r.get("recording_of")]
    rows = []
    for on, off in ((on, off) for on, off in pairs if on):
        cpu_on, cpu_off = on["cpu_ms_per_view"]["storefront"], off["cpu_ms_per_view"]["storefront"]
        ratio_on, ratio_off = on["ratio_to_reference"], off["ratio_to_reference"]
        rows.append((
            on["name"],
            f"{_number(ratio_off, 2)} -> {_number(ratio_on, 2)}",
            f"{1 - ratio_on / ratio_off:+.1%}" if ratio_on and ratio_off else "n/a",
            f"{_number(cpu_off, 3)} -> {_number(cpu_on, 3)}",
            f"{cpu_on / cpu_off - 1:+.1%}" if cpu_on and cpu_off else "n/a",
        ))
    header = ("page", "ratio to reference, funnels off -> on", "throughput cost",
              "storefront CPU ms/view, off -> on", "CPU cost")
    return _markdown(header, rows) if rows else []


def recording_table(results: dict[str, Any]) -> list[str]:
    """The in-process measure of recording (bench/recording.py), against a served view's CPU."""
    by_name = {row["name"]: row for row in results["scenarios"]}
    rows = []
    for r in results.get("recording", []):
        served = by_name.get(r["page"], {}).get("cpu_ms_per_view", {}).get("storefront")
        rows.append((
            r["page"],
            f"{r['us_per_view_off']:.1f} -> {r['us_per_view_on']:.1f}",
            f"{r['cost_us']:+.1f}",
            f"{r['cost']:+.1%}",
            f"{r['cost_us'] / (served * 1000):+.1%}" if served else "n/a",
        ))
    header = ("page", "in-process answer us, funnels off -> on", "recording us/view",
              "of the in-process answer", "of a served view's storefront CPU")
    return _markdown(header, rows) if rows else []


def sweep_table(results: dict[str, Any]) -> list[str]:
    header = ("workers", "threads", "reference rps", "creator home rps", "p50 ms", "p99 ms",
              "ratio to reference", "SF req/view", "RSS MB", "worker restarts")
    rows = [
        (str(r["workers"]), str(r["threads"]), _number(r["reference_rps"]), _number(r["rps"]),
         _number(r["p50_ms"], 1), _number(r["p99_ms"], 1), _number(r["ratio_to_reference"], 2),
         _number(r["sf_per_view"], 2), _number(r["memory"]["total_kb"] / 1024),
         str(r["worker_restarts"]))
        for r in results["sweep"]
    ]
    return _markdown(header, rows)


def _summary(machine: dict[str, Any]) -> str:
    g = machine["gunicorn"]
    w = machine["wrk_settings"]
    gunicorn = (
        f"gunicorn {g['worker_class']} workers={g['workers']} threads={g['threads']} "
        f"max_requests={g['max_requests']}"
        if isinstance(g, dict) else f"gunicorn settings {g}"
    )
    runs = (f"{w['rounds']} rounds of -d{w['round_s']:g}s" if "rounds" in w
            else f"-d{w['duration_s']:g}s")
    return (
        f"{machine['date']}, {machine['cpu_count']} CPUs, Python {machine['python']}, "
        f"{machine['wrk']}; {gunicorn}; wrk -t{w['threads']} -c{w['connections']} "
        f"{runs}; cache {machine['cache']}; demo shop latency "
        f"{machine['demo_shop_latency_ms']} ms; load average "
        f"{machine['load_average_start'][0]} -> {machine['load_average_end'][0]}"
    )


def write(results: dict[str, Any], out: Path, kind: str = "bench") -> tuple[Path, list[str]]:
    """Save the JSON (and latest.md for a full run); return the JSON's path and the text."""
    out.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = out / f"{kind}-{stamp}.json"
    path.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    if kind == "sweep":
        lines = [f"Sweep of {results['scenario']}: {_summary(results['machine'])}", "",
                 *sweep_table(results)]
    else:
        lines = [_summary(results["machine"]), "", *scenario_table(results)]
        if scale := scale_table(results):
            lines += ["", *scale]
        if funnels := funnel_table(results):
            lines += ["", *funnels]
        if recorded := recording_table(results):
            lines += ["", *recorded]
        lines += ["", *time_table(results)]
        if results["notes"]:
            lines += ["", *(f"- {note}" for note in results["notes"])]
        lines += [
            "",
            "Each wrk scenario is measured in short rounds, each between two runs of the "
            "reference (a bare Flask app under the same gunicorn.conf.py, measured the same "
            "way); a round's ratio is to the mean of the two, and the scenario's is the "
            "median round's (the rounds' range beside it). rps is over all rounds, p50 and "
            "p99 the median round's. wrk rows: `wrk -t2 --latency` after a warm-up pass. "
            "The cold pass (between two reference passes) requests "
            "each page once with 16 Python keep-alive connections (wrk cannot stop after N "
            "requests). SF req/view = GraphQL requests the demo shop received / page views.",
        ]
    (out / f"{kind}-latest.md" if kind == "sweep" else out / "latest.md").write_text(
        "\n".join(lines) + "\n", encoding="utf-8"
    )
    return path, lines
