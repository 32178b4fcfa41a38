"""timemory.hardware_counters, timemory.api.papi and the papi_array component from Python.

papi_array's event list is fixed once per process, so every scenario that counts runs in a fresh
interpreter and prints what it read back (timemory.get()) as JSON. Build machines are often VMs
without a hardware PMU: perf's software events (perf::TASK-CLOCK, perf::PAGE-FAULTS) count there,
hardware presets do not.
"""
import json
import textwrap
import threading

import pytest

import timemory
from conftest import run_python

hw = timemory.hardware_counters
BAD = "timemory_no_such_event"

# Touches `mib` MiB of fresh private memory, one page fault per page.
TOUCH = textwrap.dedent("""
    import mmap, os
    def touch(mib):
        size = mib << 20
        m = mmap.mmap(-1, size, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
        if hasattr(m, "madvise") and hasattr(mmap, "MADV_NOHUGEPAGE"):
            m.madvise(mmap.MADV_NOHUGEPAGE)
        for i in range(0, size, os.sysconf("SC_PAGESIZE")):
            m[i] = 1
        m.close()
""")

# Prints papi_array's value labels, {label: raw values} of each of its rows, its configuration
# and EXTRA (whatever the scenario wants to hand back).
REPORT = textwrap.dedent("""
    import json
    data = timemory.get(components=["papi_array"])["timemory"]["papi_array"]
    rows = {r["prefix"].split("|_")[-1].replace(">>> ", "").strip(): r["entry"]["value"]
            for r in data["ranks"][0]["graph"]}
    print("RESULT " + json.dumps({"type": data["type"], "rows": rows,
                                  "config": timemory.hardware_counters.configuration(),
                                  "extra": globals().get("EXTRA", {})}))
""")


def pages(mib):
    import os
    return (mib << 20) / os.sysconf("SC_PAGESIZE")


def software_events_or_skip():
    if hw.unavailable_reason() == "built without PAPI":
        pytest.skip("built without PAPI")
    if not hw.working():
        pytest.skip("PAPI does not work here: " + hw.unavailable_reason())
    for name in ("perf::TASK-CLOCK", "perf::PAGE-FAULTS"):
        info = hw.info(name)
        if not info.available():
            pytest.skip(name + " cannot be counted here: " + info.reason())


def run_counting(body, env=None):
    """Run `body` (after `import timemory` and TOUCH) in a fresh interpreter; returns the
    RESULT JSON and stderr."""
    script = "import timemory\nfrom timemory.util import marker\n" + TOUCH + textwrap.dedent(body)
    proc = run_python(["-c", script + REPORT],
                      env=dict({"TIMEMORY_AUTO_OUTPUT": "OFF", "TIMEMORY_PAPI_EVENTS": ""},
                               **(env or {})))
    assert proc.returncode == 0, proc.stderr
    line = [x for x in proc.stdout.splitlines() if x.startswith("RESULT ")][-1]
    return json.loads(line[len("RESULT "):]), proc.stderr


def test_marker_counts_events_set_after_import_per_region():
    software_events_or_skip()
    result, _ = run_counting("""
        timemory.settings.papi_events = ["perf::TASK-CLOCK", "perf::PAGE-FAULTS"]
        with marker(["wall_clock", "papi_array"], key="outer"):
            with marker(["wall_clock", "papi_array"], key="touch"):
                touch(16)
        standalone = timemory.component.PapiArray("standalone")
        standalone.start()
        touch(4)
        standalone.stop()
        EXTRA = {"standalone": standalone.get_raw()}
    """)
    assert result["type"] == ["perf::TASK-CLOCK", "perf::PAGE-FAULTS"]
    assert result["config"]["fixed"] is True
    rows = result["rows"]
    assert 4000 <= rows["touch"][1] <= pages(16) + 2000
    assert rows["touch"][1] <= rows["outer"][1] <= rows["touch"][1] + 2000
    assert 0 < rows["touch"][0] <= rows["outer"][0]
    task_clock, faults = result["extra"]["standalone"]  # the component class counts too
    assert task_clock > 0 and 1000 <= faults <= pages(4) + 1000


def test_task_clock_matches_thread_cpu_and_wall_time():
    software_events_or_skip()
    result, _ = run_counting("""
        import time
        timemory.settings.papi_events = "perf::TASK-CLOCK"
        with marker(["papi_array"], key="first"):  # PAPI starts up here
            pass
        with marker(["papi_array"], key="busy"):
            cpu, wall = time.thread_time_ns(), time.perf_counter_ns()
            end = time.perf_counter() + 0.05
            while time.perf_counter() < end:
                pass
            EXTRA = {"cpu": time.thread_time_ns() - cpu, "wall": time.perf_counter_ns() - wall}
    """)
    task = result["rows"]["busy"][0]  # nanoseconds of this thread's CPU time
    cpu, wall = result["extra"]["cpu"], result["extra"]["wall"]
    assert 0.9 * cpu - 2e6 <= task <= 1.1 * cpu + 2e6
    assert task <= 2.0 * wall
    if cpu >= 0.5 * wall:  # else the machine is oversubscribed and only the CPU check holds
        assert task >= 0.5 * wall


def test_bad_event_is_reported_by_name_and_the_rest_still_count():
    software_events_or_skip()
    result, err = run_counting("""
        timemory.settings.papi_events = ["perf::PAGE-FAULTS", "%s"]
        with marker(["wall_clock", "papi_array"], key="touch"):
            touch(16)
    """ % BAD)
    config = result["config"]
    assert config["events"] == ["perf::PAGE-FAULTS"]
    reason = config["rejected"][BAD]
    assert reason.startswith("unknown to PAPI (PAPI_event_name_to_code: ")
    assert err.count(BAD) == 1, err
    assert "PAPI event '{}' is not counted: {}".format(BAD, reason) in err
    assert result["type"] == ["perf::PAGE-FAULTS"]
    assert result["rows"]["touch"][0] >= 4000


def test_threads_count_their_own_page_faults():
    software_events_or_skip()
    result, _ = run_counting("""
        import threading
        timemory.settings.papi_events = "perf::PAGE-FAULTS"
        both = threading.Barrier(2)
        def work(label, mib):
            both.wait()
            with marker(["papi_array"], key=label):
                touch(mib)
                both.wait()  # both regions are open while both threads touch memory
        threads = [threading.Thread(target=work, args=("t16", 16)),
                   threading.Thread(target=work, args=("t48", 48))]
        [t.start() for t in threads]
        [t.join() for t in threads]
    """)
    rows = result["rows"]
    assert 0.95 * pages(16) <= rows["t16"][0] <= pages(16) + 1000
    assert 0.95 * pages(48) <= rows["t48"][0] <= pages(48) + 1000


def test_changing_the_events_after_they_are_fixed_warns_and_keeps_them():
    software_events_or_skip()
    result, err = run_counting("""
        timemory.settings.papi_events = ["perf::PAGE-FAULTS"]
        with marker(["papi_array"], key="first"):
            touch(4)
        timemory.settings.papi_events = ["perf::CPU-CLOCK"]
        for _ in range(2):
            with marker(["papi_array"], key="second"):
                touch(4)
    """)
    assert err.count("settings.papi_events changed to 'perf::CPU-CLOCK'") == 1, err
    assert "keeps counting perf::PAGE-FAULTS" in err
    assert result["type"] == ["perf::PAGE-FAULTS"]
    assert result["config"]["events"] == ["perf::PAGE-FAULTS"]
    assert result["rows"]["second"][0] >= 2 * 1000


def test_papi_array_without_events_is_unavailable_and_the_rest_measures():
    if hw.unavailable_reason() == "built without PAPI":
        expected = "built without PAPI"
    else:
        expected = "no PAPI events selected"
    script = textwrap.dedent("""
        import timemory
        from timemory.util import marker
        from timemory.component import PapiArray
        print("REASON", PapiArray.unavailable_reason())
        with marker(["wall_clock", "papi_array"], key="work"):
            pass
        print("ROWS", len(timemory.get(components=["wall_clock"])["timemory"]["wall_clock"]
                           ["ranks"][0]["graph"]))
    """)
    proc = run_python(["-c", script], env={"TIMEMORY_AUTO_OUTPUT": "OFF", "TIMEMORY_PAPI_EVENTS": ""})
    assert proc.returncode == 0, proc.stderr
    assert "REASON " + expected in proc.stdout
    assert "ROWS 1" in proc.stdout
    assert "component 'papi_array' is not available here ({}".format(expected) in proc.stderr


# ---- listing and helpers (this process never counts papi_array) ------------------------------

def test_available_lists_papi_presets_and_natives_with_availability():
    software_events_or_skip()
    events = hw.available()
    by_name = {e.symbol(): e for e in events}
    clock = by_name["perf::TASK-CLOCK"]
    assert clock.available() and clock.reason() == "" and not clock.preset()
    assert clock.units() == "ns" and clock.component() == "perf_event"
    assert clock.api() == hw.api.papi and clock.python_symbol() == "perf__TASK_CLOCK"
    cycles = by_name["PAPI_TOT_CYC"]
    assert cycles.preset() and cycles.long_description()
    assert all(e.available() == (e.reason() == "") for e in events)
    assert {e.symbol() for e in hw.available(only_available=True)} == \
        {e.symbol() for e in events if e.available()}
    assert all(e.api() == hw.api.papi for e in hw.available(hw.api.papi))


def test_info_of_an_unknown_name_says_why():
    if not hw.working():
        pytest.skip(hw.unavailable_reason())
    info = hw.info(BAD)
    assert info.available() is False
    assert info.reason().startswith("unknown to PAPI")
    assert "unavailable" in repr(info)


def test_preset_has_one_attribute_per_counter_that_counts_here():
    software_events_or_skip()
    names = [n for n in dir(hw.preset) if not n.startswith("_")]
    assert "perf__PAGE_FAULTS" in names
    assert hw.preset.perf__PAGE_FAULTS.symbol() == "perf::PAGE-FAULTS"
    assert all(getattr(hw.preset, n).available() for n in names)


def test_derived_metrics_are_ratios_of_totals():
    totals = {"PAPI_TOT_INS": 3e9, "PAPI_TOT_CYC": 1.5e9, "PAPI_DP_OPS": 4e9, "PAPI_SP_OPS": 2e9}
    assert hw.derived(totals, 2.0) == {"IPC": 2.0, "DP FLOP/s": 2e9, "SP FLOP/s": 1e9,
                                       "FLOP/s": 3e9}
    assert hw.derived(totals) == {"IPC": 2.0}  # no wall time, no rates
    assert hw.derived({"perf::TASK-CLOCK": 1e9}, 1.0) == {}
    # GPU: DRAM bytes over the kernels' own time (ns), not over the wall time.
    assert hw.derived({"dram__bytes.sum": 4e9, "gpu__time_duration.sum": 2e6}, 5.0) == \
        {"DRAM bandwidth": 2e12}


def test_api_papi_drives_raw_event_sets():
    software_events_or_skip()
    from timemory.api import papi

    assert papi.working() and papi.available
    assert papi.query_event("perf::PAGE-FAULTS") is True
    assert papi.query_event(BAD) is False
    code = papi.get_event_code("perf::PAGE-FAULTS")
    assert papi.get_event_code_name(code) == "perf::PAGE-FAULTS"
    with pytest.raises(RuntimeError, match="PAPI_event_name_to_code"):
        papi.get_event_code(BAD)
    with pytest.raises(NotImplementedError, match="papi_multiplexing"):
        papi.enable_multiplexing()

    out = {}

    def count():  # a thread of its own: PAPI runs one event set per thread at a time
        exec(TOUCH, out)
        s = papi.create_event_set()
        papi.add_events(s, ["perf::PAGE-FAULTS", "perf::TASK-CLOCK"])
        papi.start(s)
        out["touch"](16)
        out["read"] = papi.read(s)
        out["stop"] = papi.stop(s)
        papi.destroy_event_set(s)

    worker = threading.Thread(target=count)
    worker.start()
    worker.join()
    assert len(out["read"]) == 2
    assert 4000 <= out["read"][0] <= out["stop"][0] <= pages(16) + 2000
    assert out["stop"][1] > 0


# ---- CUPTI metrics (NVIDIA GPUs): the catalogue works offline for a named chip ---------------

def cupti_catalogue_or_skip():
    try:
        return hw.cupti_chips()
    except RuntimeError as e:  # built without CUDA, or libcupti missing
        pytest.skip(str(e))


def has_gpu():
    return timemory.component.CuptiCounters.unavailable_reason().find("no CUDA device") < 0


def test_cupti_metrics_of_a_chip_are_listed_offline():
    assert "GH100" in cupti_catalogue_or_skip()
    metrics = hw.available(hw.api.cupti, chip="GH100")
    assert len(metrics) > 3000
    by_name = {m.symbol(): m for m in metrics}
    dram = by_name["dram__bytes"]
    assert dram.api() == hw.api.cupti and dram.chip() == "GH100" and dram.component() == "cupti"
    assert dram.units() == "byte" and dram.metric_type() == "counter"
    assert ".sum" in dram.submetrics() and dram.long_description()
    assert by_name["gpu__time_duration"].units() == "ns"  # a time: raw nanoseconds
    if not has_gpu():
        assert not dram.available() and "no CUDA device" in dram.reason()
        assert hw.available(hw.api.cupti) == []  # no chip named, no GPU: nothing to list
        assert "no CUDA device" in hw.cupti_reason
    # api=None lists PAPI's events and the chip's metrics together.
    both = hw.available(chip="GH100")
    assert {e.api() for e in both} >= {hw.api.cupti}
    assert len(both) == len(metrics) + len(hw.available(hw.api.papi))


def test_cupti_metric_info_and_validation():
    cupti_catalogue_or_skip()
    info = hw.info("dram__bytes.sum", hw.api.cupti, "GH100")
    assert info.symbol() == "dram__bytes.sum" and "DRAM" in info.long_description()
    bad = hw.info("dram__byte.sum", hw.api.cupti, "GH100")
    assert not bad.available() and "unknown metric 'dram__byte'" in bad.reason()
    assert "dram__bytes" in bad.reason()
    # api.unknown tells CUPTI's names (with '__') from PAPI's.
    assert hw.Info("smsp__inst_executed.sum", hw.api.unknown, "GH100").api() == hw.api.cupti
    with pytest.raises(ValueError, match="unknown chip 'GH1000'"):
        hw.info("dram__bytes.sum", hw.api.cupti, "GH1000")
    if not has_gpu():
        with pytest.raises(RuntimeError, match="no CUDA device"):
            hw.info("dram__bytes.sum", hw.api.cupti)  # no chip named and no GPU


def test_cupti_metric_sets_are_checked_and_their_passes_counted():
    cupti_catalogue_or_skip()
    default = hw.cupti_configuration("GH100")
    assert default["metrics"] == ["gpu__time_duration.sum", "dram__bytes.sum",
                                  "smsp__inst_executed.sum", "sm__cycles_elapsed.avg"]
    assert default["passes"] == 1 and default["rejected"] == {} and default["chip"] == "GH100"
    mixed = hw.check_cupti_metrics(
        ["dram__bytes.sum", "sm__throughput.avg.pct_of_peak_sustained_elapsed", "bogus__x.sum"],
        "GH100")
    assert mixed["metrics"] == ["dram__bytes.sum",
                                "sm__throughput.avg.pct_of_peak_sustained_elapsed"]
    assert mixed["passes_each"] == [1, 8] and mixed["passes"] >= 8
    assert list(mixed["rejected"]) == ["bogus__x.sum"]
    assert "unknown metric" in mixed["rejected"]["bogus__x.sum"]
    if not has_gpu():
        here = hw.cupti_configuration()
        assert here["metrics"] == [] and "no CUDA device" in here["reason"]


def test_api_cupti_describes_metrics_offline():
    chips = cupti_catalogue_or_skip()
    from timemory.api import cupti

    assert cupti.chips() == chips
    assert "dram__bytes" in cupti.available_metrics(chip="GH100")
    assert cupti.passes(["dram__bytes.sum", "gpu__time_duration.sum"], chip="GH100") == 1
    assert cupti.metric_info("gpu__time_duration.sum", chip="GH100").units() == "ns"
    assert cupti.available_events() == []
    if not has_gpu():
        assert cupti.available is False and "no CUDA device" in cupti.reason
        assert cupti.available_metrics() == []
