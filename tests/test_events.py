"""The loader: the template folder, equal codes from long/wide/CSV/XLSX/Parquet, the CLI."""
import shutil
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from analysis import DataError, load_event, validate_event
from analysis.cli import main
from analysis.events import summary


def copy_template(template_dir, tmp_path, name="ev"):
    dst = tmp_path / name
    shutil.copytree(template_dir, dst)
    (dst / "datapackage.json").unlink(missing_ok=True)
    return dst


def test_template_loads(template_dir):
    ev = load_event(template_dir)
    assert ev.meta["id"] == "template-event"
    assert list(ev.reports["report_id"]) == ["ex-1", "ex-2", "ex-3"]
    assert ev.coders == ["coder_a", "coder_b"]
    # 24 cells per coder, of which one (ex-3 fig_deaths) is blank
    assert len(ev.codes) == 46
    assert list(ev.codes.columns) == ["report_id", "coder", "variable", "value", "evidence"]
    assert ev.codes.equals(ev.codes.sort_values(["report_id", "coder", "variable"]).reset_index(drop=True))
    _check_categorical_keys(ev.codes, ["report_id", "coder", "variable"])


def _check_categorical_keys(table, keys):
    """Keys categorical, each category a text used, sorted (so sorting by codes sorts by text)."""
    for col in keys:
        cats = table[col].cat.categories
        assert list(cats) == sorted(set(table[col].astype(object)))
        assert all(isinstance(c, str) for c in cats)
    assert table.equals(table.sort_values(keys, kind="stable").reset_index(drop=True))


def test_terms_keys_are_categorical_and_sorted(tmp_path):
    from analysis.synthetic import make_event_folder
    folder = make_event_folder(tmp_path / "ev", n_reports=40, n_variables=6, n_coders=2, seed=3)
    ev = load_event(folder)
    _check_categorical_keys(ev.terms, ["report_id", "term"])
    _check_categorical_keys(ev.codes, ["report_id", "coder", "variable"])
    raw = pd.read_csv(folder / "terms.csv", dtype={"report_id": str, "term": str})
    expected = raw.sort_values(["report_id", "term"]).reset_index(drop=True)
    assert ev.terms.astype({"report_id": object, "term": object}).equals(expected)


def test_values_are_typed_by_level(template_dir):
    ev = load_event(template_dir)
    c = ev.codes.set_index(["report_id", "coder", "variable"])["value"]
    assert c[("ex-1", "coder_a", "src_ministry")] == 1 and isinstance(c[("ex-1", "coder_a", "src_ministry")], int)
    assert c[("ex-1", "coder_a", "tone")] == 2
    assert c[("ex-1", "coder_a", "progress_claim")] == "denied"
    assert c[("ex-1", "coder_a", "fig_deaths")] == 12.0 and isinstance(c[("ex-1", "coder_a", "fig_deaths")], float)
    assert ("ex-3", "coder_a", "fig_deaths") not in c.index  # blank: not a judgement
    cb = ev.codebook.set_index("variable")
    assert cb.loc["tone", "codes"] == (1, 2, 3)
    assert cb.loc["src_ministry", "yes_code"] == 1
    assert bool(cb.loc["conf_consensus", "reverse"]) is True
    assert cb.loc["progress_claim", "contradicts"] == (("asserted", "denied"),)
    vals = ev.values[ev.values["variable"] == "tone"]
    assert vals["rank"].tolist() == [0, 1, 2]


def test_published_parsed_to_utc(template_dir):
    ev = load_event(template_dir)
    pub = ev.reports.set_index("report_id")["published"]
    assert pub["ex-3"] == pd.Timestamp("2024-01-03T06:30Z")
    assert pub["ex-2"] == pd.Timestamp("2024-01-02T00:00Z")


def _long_a(template_dir):
    return pd.read_csv(template_dir / "codes" / "coder_a.csv", dtype=str, keep_default_na=False)


def _wide(long):
    wide = long.pivot(index=["report_id", "coder"], columns="variable", values="value").reset_index()
    ev = long[long["evidence"] != ""].pivot(index=["report_id", "coder"], columns="variable", values="evidence")
    ev.columns = [c + "__evidence" for c in ev.columns]
    wide = wide.merge(ev.reset_index(), on=["report_id", "coder"], how="left").fillna("")
    return wide


@pytest.mark.parametrize("form", ["wide_csv", "wide_xlsx", "long_xlsx", "long_parquet", "single_codes_csv"])
def test_long_wide_csv_xlsx_give_equal_codes(template_dir, tmp_path, form):
    ref = load_event(template_dir).codes
    d = copy_template(template_dir, tmp_path)
    long = _long_a(template_dir)
    (d / "codes" / "coder_a.csv").unlink()
    if form == "wide_csv":
        _wide(long).to_csv(d / "codes" / "coder_a.csv", index=False)
    elif form == "wide_xlsx":
        _wide(long).to_excel(d / "codes" / "coder_a.xlsx", index=False, sheet_name="codes")
    elif form == "long_xlsx":
        long.to_excel(d / "codes" / "coder_a.xlsx", index=False)
    elif form == "long_parquet":
        long.to_parquet(d / "codes" / "coder_a.parquet", index=False)
    else:
        b = pd.read_csv(d / "codes" / "coder_b.csv", dtype=str, keep_default_na=False)
        b_long = b.melt(id_vars=["report_id", "coder"], var_name="variable", value_name="value")
        b_long = b_long[~b_long["variable"].str.endswith("__evidence")]
        evid = b.melt(id_vars=["report_id", "coder"], var_name="variable", value_name="evidence")
        evid = evid[evid["variable"].str.endswith("__evidence")]
        evid["variable"] = evid["variable"].str.removesuffix("__evidence")
        b_long = b_long.merge(evid, on=["report_id", "coder", "variable"], how="left").fillna("")
        shutil.rmtree(d / "codes")
        pd.concat([long, b_long]).to_csv(d / "codes.csv", index=False)
    got = load_event(d).codes
    pd.testing.assert_frame_equal(got, ref)


def test_numeric_cells_from_xlsx_match_integer_codes(template_dir, tmp_path):
    d = copy_template(template_dir, tmp_path)
    long = _long_a(template_dir)
    wide = _wide(long)
    for col in ("src_ministry", "tone"):
        wide[col] = wide[col].astype(int)  # Excel stores them as numbers
    wide["fig_deaths"] = pd.to_numeric(wide["fig_deaths"])
    (d / "codes" / "coder_a.csv").unlink()
    wide.to_excel(d / "codes" / "coder_a.xlsx", index=False)
    pd.testing.assert_frame_equal(load_event(d).codes, load_event(template_dir).codes)


def test_blank_sheet_round_trip(template_dir, tmp_path):
    d = copy_template(template_dir, tmp_path)
    out = tmp_path / "sheet.xlsx"
    assert main(["sheet", str(d), "--coder", "coder_c", "--out", str(out)]) == 0
    wb = openpyxl.load_workbook(out)
    ws = wb["codes"]
    header = [c.value for c in ws[1]]
    assert header[:4] == ["report_id", "coder", "conf_disagreement", "conf_disagreement__evidence"]
    assert "Does the report describe disagreement" in ws.cell(row=1, column=3).comment.text
    dvs = ws.data_validations.dataValidation
    assert any(dv.type == "list" and "C2:C4" in str(dv.sqref) for dv in dvs)
    assert any(dv.type == "decimal" for dv in dvs)
    col = header.index("progress_claim") + 1
    ws.cell(row=2, column=col, value="denied")
    ws.cell(row=2, column=col + 1, value="no progress was made")
    wb.save(d / "codes" / "coder_c.xlsx")
    ev = load_event(d)
    got = ev.codes[ev.codes["coder"] == "coder_c"]
    assert got[["report_id", "variable", "value", "evidence"]].values.tolist() == [
        ["ex-1", "progress_claim", "denied", "no progress was made"]]


def test_validate_cli_ok(template_dir, capsys):
    assert main(["validate", str(template_dir)]) == 0
    out = capsys.readouterr().out
    assert "reports" in out and "No problems found." in out


def test_validate_cli_reports_problem(template_dir, tmp_path, capsys):
    d = copy_template(template_dir, tmp_path)
    p = d / "codes" / "coder_a.csv"
    p.write_text(p.read_text().replace("ex-1,coder_a,label_victims,civilians", "ex-1,coder_a,label_victims,Civilians"))
    assert main(["validate", str(d)]) == 1
    out = capsys.readouterr().out
    assert ("codes/coder_a.csv, row 5, column value: 'Civilians' is not a code of label_victims; "
            "did you mean 'civilians'?") in out
    assert "codes are civilians, people, militants, none" in out


def test_lenient_load_accounts_for_every_row(template_dir, tmp_path):
    d = copy_template(template_dir, tmp_path)
    p = d / "codes" / "coder_a.csv"
    text = p.read_text().replace("ex-2,coder_a,tone,3", "ex-2,coder_a,tone,9")
    text = text.replace("ex-1,coder_a,fig_deaths,12,", "ex-1,coder_a,fig_deaths,twelve,")
    text += "ex-9,coder_a,tone,1,\nex-1,coder_a\n"
    p.write_text(text)
    with pytest.raises(DataError) as err:
        load_event(d)
    assert len(err.value.problems) == 4
    ev = load_event(d, strict=False)
    c = ev.counts["codes/coder_a.csv"]
    assert c["rows_read"] == 26
    assert c["rows_read"] == c["judgements_used"] + c["blank"] + c["rejected"] + c["rows_rejected_on_read"]
    assert c["rejected"] == 3 and c["rows_rejected_on_read"] == 1
    assert len(ev.rejected) == 4


def test_duplicate_judgement_across_sheets(template_dir, tmp_path):
    d = copy_template(template_dir, tmp_path)
    (d / "codes" / "extra.csv").write_text("report_id,coder,variable,value,evidence\nex-2,coder_a,tone,2,\n")
    with pytest.raises(DataError) as err:
        load_event(d)
    msg = str(err.value)
    assert "codes/extra.csv, row 2, column value: coder_a coded tone of report ex-2 again (first at codes/coder_a.csv, row 17)" in msg


def test_problems_are_gathered_not_first_only(template_dir, tmp_path):
    d = copy_template(template_dir, tmp_path)
    (d / "reports.csv").write_text((d / "reports.csv").read_text().replace("2024-01-02T10:00Z", "8 Jan")
                                   .replace("https://example.org/tv/3", "example.org/tv/3"))
    p = d / "codes" / "coder_b.csv"
    p.write_text(p.read_text().replace("ex-3,coder_b,no,yes", "ex-3,coder_b,maybe,yes"))
    ev, problems = validate_event(d)
    assert ev is not None
    assert set(problems["column"]) >= {"published", "url", "conf_disagreement"}
    assert (problems["file"] == "codes/coder_b.csv").any()


def test_summary_counts(template_dir):
    s = summary(load_event(template_dir)).set_index("measure")["value"]
    assert s["reports"] == 3 and s["outlets"] == 3 and s["coders"] == 2 and s["problems"] == 0
    assert s["missing judgements of coder_a (of 24)"] == 1


def test_with_codes_adds_a_machine_coder(template_dir):
    ev = load_event(template_dir)
    extra = pd.DataFrame({"report_id": ["ex-1"], "coder": ["model:x"], "variable": ["tone"],
                          "value": [2], "evidence": [np.nan]})
    ev2 = ev.with_codes(extra)
    assert "model:x" in ev2.coders and len(ev.codes) == 46  # original untouched
    with pytest.raises(DataError):
        ev2.with_codes(extra)


def test_datapackage_written_and_checked(template_dir, tmp_path):
    d = copy_template(template_dir, tmp_path)
    assert main(["datapackage", str(d)]) == 0
    load_event(d)
    (d / "codes" / "coder_c.csv").write_text("report_id,coder,variable,value,evidence\nex-1,coder_c,tone,2,\n")
    with pytest.raises(DataError, match="table 'codes/coder_c.csv' is not listed as a resource"):
        load_event(d)


def _add_to_event_yaml(folder, text):
    path = folder / "event.yaml"
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def test_event_yaml_method_keys_moments_and_fact_times(template_dir, tmp_path):
    ev_dir = copy_template(template_dir, tmp_path)
    yaml_text = (ev_dir / "event.yaml").read_text(encoding="utf-8")
    yaml_text = yaml_text.replace("    label: Talks were held on 2 January\n",
                                  "    label: Talks were held on 2 January\n    as_of: 2024-01-02T09:00+02:00\n")
    (ev_dir / "event.yaml").write_text(yaml_text, encoding="utf-8")
    _add_to_event_yaml(ev_dir, "coders: two trained students, independently\n"
                               "coded_text: the full article text\n"
                               "sampling: every report in a database search\n"
                               "moments:\n"
                               "  - {time: 2024-01-03, label: Second day}\n"
                               "  - {time: '2024-01-02T12:30+01:00', label: Strike reported}\n")
    ev = load_event(ev_dir)
    assert ev.meta["coders"] == "two trained students, independently"
    assert ev.meta["coded_text"] == "the full article text"
    assert ev.meta["sampling"] == "every report in a database search"
    assert list(ev.moments["label"]) == ["Strike reported", "Second day"]
    assert ev.moments["time"].iloc[0] == pd.Timestamp("2024-01-02T11:30Z")
    assert list(ev.moments["time_known"]) == [True, False]
    talks = ev.facts.set_index("id").loc["talks_held"]
    assert talks["as_of"] == pd.Timestamp("2024-01-02T07:00Z") and bool(talks["as_of_time_known"])
    assert pd.isna(ev.facts.set_index("id").loc["strike", "as_of"])


def test_event_yaml_bad_moment_and_as_of_are_named(template_dir, tmp_path):
    ev_dir = copy_template(template_dir, tmp_path)
    _add_to_event_yaml(ev_dir, "coders: [a, b]\nmoments:\n  - {time: yesterday, label: x}\n  - {label: no time}\n")
    _, problems = validate_event(ev_dir)
    text = "\n".join(problems["message"].astype(str))
    assert "'coders' must be text" in text
    assert "'time' is 'yesterday', not a date or time" in text
    assert "moment #2 needs a 'time' and a 'label'" in text


def test_outlet_id_column_is_kept(template_dir, tmp_path):
    ev_dir = copy_template(template_dir, tmp_path)
    reports = pd.read_csv(ev_dir / "reports.csv", dtype=str, keep_default_na=False)
    reports.insert(2, "outlet_id", ["wire.example.org", "daily.example.org", ""])
    reports.to_csv(ev_dir / "reports.csv", index=False)
    ev = load_event(ev_dir)
    assert list(ev.reports["outlet_id"].fillna("")) == ["wire.example.org", "daily.example.org", ""]


# --- time as it was, lineage as it was ---------------------------------------------------------

def test_published_time_known(template_dir):
    # reports.csv of the template: ex-1 2024-01-02T10:00Z, ex-2 2024-01-02, ex-3 2024-01-03T08:30+02:00
    r = load_event(template_dir).reports
    assert list(r.columns[:4]) == ["report_id", "outlet", "published", "published_time_known"]
    assert r["published_time_known"].dtype == bool
    assert r["published_time_known"].tolist() == [True, False, True]
    assert r["published"].tolist() == [pd.Timestamp("2024-01-02T10:00Z"), pd.Timestamp("2024-01-02T00:00Z"),
                                       pd.Timestamp("2024-01-03T06:30Z")]


def test_published_time_known_is_the_loaders(template_dir, tmp_path):
    d = copy_template(template_dir, tmp_path)
    p = d / "reports.csv"
    lines = p.read_text().splitlines()
    p.write_text("\n".join([lines[0] + ",published_time_known"] + [ln + ",yes" for ln in lines[1:]]) + "\n")
    with pytest.raises(DataError, match="column published_time_known is set by the loader"):
        load_event(d)


def _write_reports(d, rows):
    header = "report_id,outlet,published,url,derived_from"
    body = [f"{r},Outlet {r},{when},https://example.org/{r},{src}" for r, when, src in rows]
    (d / "reports.csv").write_text("\n".join([header] + body) + "\n")


def test_derived_from_a_later_report_is_a_warning(template_dir, tmp_path, capsys):
    d = copy_template(template_dir, tmp_path)
    _write_reports(d, [
        ("ex-1", "2024-01-02T10:00Z", "ex-3"),          # ex-3 is a day later: warned
        ("ex-2", "2024-01-02", "ex-1"),                 # same day, no time: order unknown
        ("ex-3", "2024-01-03T08:30+02:00", ""),
    ])
    ev = load_event(d)                                   # strict: a warning is not a problem
    assert len(ev.rejected) == 0
    assert ev.warnings[["file", "row", "column", "value"]].values.tolist() == [
        ["reports.csv", 2, "derived_from", "ex-3"]]
    assert ev.warnings["message"].tolist() == [
        "report ex-1 (published 2024-01-02T10:00Z) is derived from ex-3, which was published later "
        "(2024-01-03T08:30+02:00)"]
    assert main(["validate", str(d)]) == 0
    out = capsys.readouterr().out
    assert "Warnings: 1\n- reports.csv, row 2, column derived_from: report ex-1" in out
    assert "No problems found." in out


def test_warnings_beside_problems(template_dir, tmp_path, capsys):
    d = copy_template(template_dir, tmp_path)
    _write_reports(d, [
        ("ex-1", "2024-01-03T00:30+03:00", "ex-2"),    # 2 January 21:30 UTC, but 3 January there
        ("ex-2", "2024-01-03", ""),                     # the same local day: order unknown
        ("ex-3", "2024-01-02", "ex-4"),                 # ex-4: a day later, without times
    ])
    rows = (d / "reports.csv").read_text() + "ex-4,Outlet ex-4,2024-01-03,example.org/4,\n"
    (d / "reports.csv").write_text(rows)
    ev, problems = validate_event(d)
    assert problems["column"].tolist() == ["url"]
    assert ev.warnings["message"].tolist() == [
        "report ex-3 (published 2024-01-02) is derived from ex-4, which was published later (2024-01-03)"]
    assert main(["validate", str(d)]) == 1
    out = capsys.readouterr().out
    assert "Warnings: 1" in out and "1 problem(s):" in out
    assert load_event(template_dir).warnings.empty


@pytest.mark.parametrize("folder", sorted(p.name for p in (Path(__file__).resolve().parents[1] / "data").iterdir()
                                          if (p / "event.yaml").is_file()))
def test_every_bundled_event_validates_without_problems(folder):
    ev, problems = validate_event(Path(__file__).resolve().parents[1] / "data" / folder)
    assert ev is not None and problems.empty, problems.head().to_dict("records")
    # every coded report is in reports.csv and every report has a code
    assert set(ev.codes["report_id"].astype(str)) == set(ev.reports["report_id"])


@pytest.mark.slow
@pytest.mark.parametrize("folder", ["cairo-talks-2024-04", "ahli-hospital-2023-10"])
def test_datasheet_alpha_table_matches_the_cli(folder, capsys):
    """The datasheet's alpha table is what `python -m analysis reliability` prints (1,000 resamples, seed 0)."""
    import re

    path = Path(__file__).resolve().parents[1] / "data" / folder
    assert main(["reliability", str(path), "--csv"]) == 0
    from io import StringIO
    table = pd.read_csv(StringIO(capsys.readouterr().out)).set_index("variable")
    text = (path / "README.md").read_text(encoding="utf-8")
    rows = {m.group(1): m for m in re.finditer(r"^\| (\w+) \| (nominal|ordinal|interval|ratio) \| ([-0-9.]*)[^|]*\|"
                                                r"([^|]*)\|.*\| (\w[\w ]*) \|$", text, re.M)}
    assert set(rows) == set(table.index)
    for variable, m in rows.items():
        row = table.loc[variable]
        assert m.group(5) == row["verdict"], variable
        if pd.notna(row["alpha"]):
            assert float(m.group(3)) == pytest.approx(row["alpha"], abs=5.1e-4), variable  # rounded to 3 places
