"""Benchmark: the declaration workbook builder against xlsxwriter (constant_memory) on the same cells.

Synthetic year: 10,000 members x 15 checks x 5 records = 750,000 check rows, 10,000 member rows,
plus leavers, exceptions and audit entries. Each writer runs in its own child process, so peak memory
is that child's peak resident set size (``resource.getrusage(RUSAGE_SELF).ru_maxrss``), which
includes the interpreter and imported libraries; a "generate only" child, which builds and iterates
the same rows without writing, gives the baseline for both time and memory. Time is reported as
wall clock and as the child's CPU time (``time.process_time``); the ratios use CPU time, because
wall clock is distorted whenever other work shares the machine's two cores.

    python bench/bench_declaration_workbook.py [--members 10000] [--records 5]
    python bench/bench_declaration_workbook.py --members 2000 --pairs 3
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from exports import declaration as decl  # noqa: E402
from exports.data import (  # noqa: E402
    AuditRow, CheckAtYearEnd, CheckColumn, CheckRecordRow, DeclarationData, EvidenceRef,
    ExceptionRow, LeaverRow, MemberRow,
)
from exports.safe import safe_text  # noqa: E402

CODES = ("identity", "employment_history", "references", "qualifications", "health", "dbs",
         "professional_registration", "insolvency", "disqualified_directors", "removed_trustees",
         "employment_tribunal", "social_media", "self_attestation", "appraisal", "leaver_reference")
CHECK_COLUMNS = tuple(CheckColumn(c, c.replace("_", " ").capitalize()) for c in CODES)
START = date(2015, 1, 1)


def members(n: int):
    for i in range(n):
        checks = {c: CheckAtYearEnd("valid", START + timedelta(days=i % 3000)) for c in CODES}
        yield MemberRow(f"M{i:06d}", f"Member {i}", "Non-executive director", "Director of Things",
                        False, True, i % 7 == 0, START + timedelta(days=i % 3000), None,
                        "GMC 1234567" if i % 3 else None, "compliant", "fit_and_proper",
                        "Chair Person", date(2026, 4, 30), checks)


def check_records(n: int, per_check: int):
    for i in range(n):
        for code, label in CHECK_COLUMNS:
            for k in range(per_check):
                on = START + timedelta(days=(i + k * 365) % 4000)
                evidence = (EvidenceRef(f"{code}-{k}.pdf", "ab" * 32),) if k == 0 else ()
                yield CheckRecordRow(f"M{i:06d}", f"Member {i}", code, label, on, "clear",
                                     on + timedelta(days=365), f"REF{i}{k}",
                                     "basic" if code == "dbs" else None, "Sue Secretary",
                                     datetime(2025, 5, 1, 9, 30), evidence)


def leavers(n: int):
    return tuple(LeaverRow(f"M{i:06d}", f"Member {i}", date(2026, 1, 31), date(2026, 2, 10),
                           "Sue Secretary", "hr@example.nhs.uk", date(2026, 2, 12))
                 for i in range(0, n, 20))


def exceptions(n: int):
    for i in range(0, n, 10):
        yield ExceptionRow(f"M{i:06d}", f"Member {i}", "DBS check", date(2025, 6, 1), "concern",
                           "A caution was disclosed; the chair accepted it with a mitigation.", None)


def audit(n: int):
    for i in range(n * 2):
        yield AuditRow(i, datetime(2025, 5, 1, 9, 30), "sue@example.nhs.uk", "update", "check_record",
                       str(i), '{"reference": "old"}', '{"reference": "new"}', "ab" * 32, "cd" * 32)


def synthetic(n: int, per_check: int) -> DeclarationData:
    start, end = date(2025, 4, 1), date(2026, 3, 31)
    return DeclarationData(
        "Example NHS Foundation Trust", 2025, start, end, CHECK_COLUMNS, None,
        {"fit_and_proper": n}, {"compliant": n}, members_in_year=n, leavers=leavers(n),
        members=members(n), check_records=check_records(n, per_check), exceptions=exceptions(n),
        audit=audit(n), created_at=datetime(2026, 5, 1))


def data_sheets(data: DeclarationData):
    """(title, columns, value rows) for every data sheet, exactly as the builder lays them out."""
    return [
        ("Board members", decl.member_columns(data.check_columns),
         (decl.member_values(m, data.check_columns) for m in data.members)),
        ("Checks", decl.CHECK_COLUMNS, map(decl.check_values, data.check_records)),
        ("Leavers", decl.LEAVER_COLUMNS, map(decl.leaver_values, data.leavers)),
        ("Exceptions", decl.EXCEPTION_COLUMNS, map(decl.exception_values, data.exceptions)),
        ("Audit trail", decl.AUDIT_COLUMNS, map(decl.audit_values, data.audit)),
    ]


def run_generate_only(data: DeclarationData, _out: str) -> None:
    for _title, _columns, rows in data_sheets(data):
        for _values in rows:
            pass


def run_openpyxl(data: DeclarationData, out: str) -> None:
    decl.build_declaration_workbook(data, out)


def run_xlsxwriter(data: DeclarationData, out: str) -> None:
    """The same cells with xlsxwriter: text through safe_text, real dates with the same formats."""
    import xlsxwriter

    wb = xlsxwriter.Workbook(out, {"constant_memory": True, "strings_to_formulas": False,
                                   "strings_to_numbers": False, "strings_to_urls": False})
    formats = {"date": wb.add_format({"num_format": "dd/mm/yyyy"}),
               "datetime": wb.add_format({"num_format": "dd/mm/yyyy hh:mm"})}
    wb.add_worksheet("Declaration").write_string(0, 0, "Fit and proper person test")
    for title, columns, rows in data_sheets(data):
        ws = wb.add_worksheet(title)
        ws.freeze_panes(1, 0)
        for c, column in enumerate(columns):
            ws.set_column(c, c, column.width)
            ws.write_string(0, c, safe_text(column.header))
        writers = [_xlsxwriter_cell(ws, column.kind, formats) for column in columns]
        r = 0
        for r, values in enumerate(rows, 1):
            for c, (write, value) in enumerate(zip(writers, values)):
                if value is not None:
                    write(r, c, value)
        ws.autofilter(0, 0, max(r, 1), len(columns) - 1)
    wb.close()


def _xlsxwriter_cell(ws, kind: str, formats):
    if kind in formats:
        return lambda r, c, v, f=formats[kind]: ws.write_datetime(r, c, v, f)
    if kind == "int":
        return ws.write_number
    if kind == "bool":
        return lambda r, c, v: ws.write_string(r, c, "Yes" if v else "No")
    return lambda r, c, v: ws.write_string(r, c, safe_text(v))


RUNNERS = {"generate": run_generate_only, "openpyxl": run_openpyxl, "xlsxwriter": run_xlsxwriter}


def child(name: str, n: int, per_check: int) -> None:
    """Run one writer and print one JSON line: seconds, peak RSS in MiB and output size."""
    with tempfile.TemporaryDirectory() as folder:
        out = os.path.join(folder, f"{name}.xlsx")
        started, cpu_started = time.perf_counter(), time.process_time()
        RUNNERS[name](synthetic(n, per_check), out)
        seconds = time.perf_counter() - started
        cpu = time.process_time() - cpu_started
        size = os.path.getsize(out) if os.path.exists(out) else 0
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB
    print(json.dumps({"writer": name, "seconds": seconds, "cpu": cpu, "peak_rss_mib": peak_mib,
                      "bytes": size}))


def measure(name: str, n: int, per_check: int, env: dict | None = None) -> dict:
    command = [sys.executable, __file__, "--child", name, "--members", str(n),
               "--records", str(per_check)]
    done = subprocess.run(command, check=True, capture_output=True, text=True,
                          env={**os.environ, **(env or {})})
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--records", type=int, default=5, help="records per member and check")
    parser.add_argument("--pairs", type=int, default=0,
                        help="instead: alternate openpyxl+lxml and xlsxwriter N times, median ratio")
    parser.add_argument("--child", choices=RUNNERS, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args.child, args.members, args.records)
    if args.pairs:
        return pairs(args.pairs, args.members, args.records)
    import openpyxl
    print(f"{args.members} members, {args.members * len(CODES) * args.records} check rows; "
          f"python {sys.version.split()[0]}, openpyxl {openpyxl.__version__}, lxml {_lxml()}")
    results = {"generate only": measure("generate", args.members, args.records),
               "openpyxl (lxml)": measure("openpyxl", args.members, args.records),
               "openpyxl (no lxml)": measure("openpyxl", args.members, args.records,
                                             {"OPENPYXL_LXML": "False"}),
               "xlsxwriter constant_memory": measure("xlsxwriter", args.members, args.records)}
    for label, r in results.items():
        print(f"{label:28s} {r['seconds']:8.1f} s wall {r['cpu']:8.1f} s CPU  "
              f"peak RSS {r['peak_rss_mib']:7.1f} MiB  {r['bytes'] / 2**20:6.1f} MiB file")
    base, xw = results["generate only"]["cpu"], results["xlsxwriter constant_memory"]["cpu"]
    for label in ("openpyxl (lxml)", "openpyxl (no lxml)"):
        ours = results[label]["cpu"]
        print(f"{label}: {ours / xw:.2f}x xlsxwriter's CPU time; without data generation "
              f"{(ours - base) / (xw - base):.2f}x")


def pairs(count: int, n: int, per_check: int) -> None:
    """Alternate the two writers so that changing load on a shared machine hits both alike."""
    ratios = []
    for i in range(count):
        ours, theirs = measure("openpyxl", n, per_check), measure("xlsxwriter", n, per_check)
        ratios.append(ours["cpu"] / theirs["cpu"])
        print(f"pair {i + 1}: openpyxl+lxml {ours['cpu']:.1f} s CPU ({ours['seconds']:.1f} s wall), "
              f"xlsxwriter {theirs['cpu']:.1f} s CPU ({theirs['seconds']:.1f} s wall), "
              f"ratio {ratios[-1]:.2f}")
    print(f"median ratio over {count} pairs: {statistics.median(ratios):.2f}x")


def _lxml() -> str:
    try:
        import lxml.etree
        return ".".join(map(str, lxml.etree.LXML_VERSION))
    except ImportError:
        return "not installed"


if __name__ == "__main__":
    main()
