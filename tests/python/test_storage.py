"""timemory.storage: flat and nested views of the call-graph storage (python/src/storage.cpp).

The storage example of timemory 3's Python documentation (examples/python/doc-storage.py) runs in a subprocess and its printed
records are parsed back; the other tests build their own small graphs in-process.
"""
import json
import os
import re
import time

import pytest

import timemory
from timemory import storage
from timemory.component import PeakRss, WallClock
from timemory.storage import PeakRssStorage, WallClockStorage
from conftest import EXAMPLES_DIR, run_python

MASK = 2 ** 64 - 1


@pytest.fixture(autouse=True, scope="module")
def quiet_outputs(tmp_path_factory):
    timemory.settings.output_path = str(tmp_path_factory.mktemp("storage-output"))
    timemory.settings.cout_output = False


def parse_blocks(text):
    """'#---#' separated blocks of 'Key : value' lines -> list of (indent, dict)."""
    blocks = []
    for line in text.splitlines():
        if re.match(r"^\s*#-{40}#$", line):
            blocks.append((len(line) - len(line.lstrip()), {}))
            continue
        m = re.match(r"^\s*(\w[\w ]*?)\s+: (.*)$", line)
        if m and blocks:
            blocks[-1][1][m.group(1)] = m.group(2)
    return [b for b in blocks if b[1]]


def stat(text, key):
    return float(re.search(r"\[{}: ([^\]]+)\]".format(key), text).group(1))


def seconds(text):
    return float(text.split()[0])


def build_doc_graph(scale=0.01):
    """The documentation example's graph without the marker: foo (1 lap) with bar (5 push/pop pairs)."""
    timemory.clear()
    foo = WallClock("foo").push().start()
    time.sleep(10 * scale)
    wc = WallClock("bar")
    for i in range(10):
        if i % 2 == 0:
            wc.push()
        wc.start()
        time.sleep(scale * (i + 1))
        wc.stop()
        if i % 2 == 1:
            wc.pop()
    foo.stop().pop()


def test_doc_storage_example(output_dir):
    script = os.path.join(EXAMPLES_DIR, "doc-storage.py")
    if not os.path.exists(script):
        pytest.skip("examples/python/doc-storage.py is not there yet")
    proc = run_python([script])
    assert proc.returncode == 0, proc.stderr
    result_text, tree_text = proc.stdout.split("# Storage Tree")
    rows = [b for _, b in parse_blocks(result_text)]
    assert [r["Prefix"] for r in rows] == [">>> foo", ">>> |_bar"]
    foo, bar = rows
    assert [int(r["Depth"]) for r in rows] == [0, 1]
    assert int(bar["Thread id"]) == 0 and int(bar["Process id"]) > 0
    foo_hash, bar_hash = int(foo["Hash"]), int(bar["Hash"])
    assert json.loads(foo["Hierarchy"]) == [foo_hash]
    assert json.loads(bar["Hierarchy"]) == [foo_hash, bar_hash]
    assert int(foo["Rolling hash"]) == foo_hash
    assert int(bar["Rolling hash"]) == (foo_hash + bar_hash) & MASK
    assert stat(bar["Statistics"], "count") == 5
    assert stat(foo["Statistics"], "count") == 1
    assert 5.4 <= stat(bar["Statistics"], "sum") <= 6.5
    assert 6.4 <= seconds(foo["Data object"]) <= 7.5
    assert re.fullmatch(r"\s+\d+\.\d{3} sec wall", bar["Data object"])

    nodes = parse_blocks(tree_text)
    assert [indent for indent, _ in nodes] == [0, 2, 4]
    root, tfoo, tbar = [n for _, n in nodes]
    # (timemory 3's print_value prints no prefix, although its sample output shows one)
    assert root["Depth"] == "-1" and root["Hash"] == "0"
    assert root.get("Prefix", "unknown-hash=0") == "unknown-hash=0"
    assert (int(tfoo["Hash"]), int(tbar["Hash"])) == (foo_hash, bar_hash)
    assert (tfoo["Depth"], tbar["Depth"]) == ("0", "1")
    assert tfoo["Thread id"] == "{0}"
    assert 0.9 <= seconds(tfoo["Exclusive data"]) <= 1.5  # foo's own sleep(1)
    assert seconds(tbar["Exclusive data"]) == seconds(tbar["Inclusive data"])
    for node in (root, tfoo, tbar):
        assert seconds(node["Exclusive data"]) >= 0.0
        assert stat(node["Exclusive stat"], "sum") >= 0.0
    assert stat(tbar["Inclusive stat"], "count") == 5


def test_flat_layout_in_process():
    build_doc_graph()
    rows = [r for r in WallClockStorage.get() if r.prefix() in (">>> foo", ">>> |_bar")]
    assert [r.prefix() for r in rows] == [">>> foo", ">>> |_bar"]
    foo, bar = rows
    assert bar.hierarchy() == [foo.hash(), bar.hash()]
    assert bar.rolling_hash() == (foo.hash() + bar.hash()) & MASK
    assert foo.hash() == timemory.get_hash("foo")
    assert bar.stats().count() == 5 and foo.stats().count() == 1
    assert bar.data().get() == pytest.approx(bar.stats().sum())
    assert bar.stats().min() <= bar.stats().mean() <= bar.stats().max()
    assert re.fullmatch(r"\[sum: \S+\] \[min: \S+\] \[max: \S+\] \[sqr: \S+\] \[count: 5\]",
                        str(bar.stats()))
    assert bar.tid() == 0 and bar.pid() == os.getpid()


def test_tree_layout_in_process():
    build_doc_graph()
    (root,) = WallClockStorage.get_tree()
    value = root.value()
    assert value.is_dummy() and value.depth() == -1 and value.hash() == 0
    assert value.prefix() == "unknown-hash=0"
    assert value.exclusive().stats().sum() == 0.0
    assert not any(c.value().is_dummy() for c in root.children())
    top = [c for c in root.children() if c.value().prefix() == "foo"]
    assert len(top) == 1
    foo = top[0]
    (bar,) = foo.children()
    fv, bv = foo.value(), bar.value()
    assert (fv.depth(), bv.depth()) == (0, 1)
    assert fv.tid() == {0} and fv.pid() == {os.getpid()}
    incl = fv.inclusive().data().get()
    excl = fv.exclusive().data().get()
    assert excl == pytest.approx(incl - bv.inclusive().data().get(), abs=1e-9)
    assert 0.0 <= excl <= incl
    assert bv.exclusive().stats().sum() == pytest.approx(bv.inclusive().stats().sum())
    assert root.value().inclusive().stats().sum() >= incl


def test_dumps_and_load_round_trip():
    build_doc_graph(scale=0.001)
    flat = WallClockStorage.get()
    data = WallClockStorage.dumps(flat)
    body = data["timemory"]["wall_clock"]
    assert body["unit_repr"] == "sec" and body["ranks"][0]["graph_size"] == len(flat)
    loaded = WallClockStorage.load(data)
    assert [r.prefix() for r in loaded] == [r.prefix() for r in flat]
    assert [r.hierarchy() for r in loaded] == [r.hierarchy() for r in flat]
    assert [r.stats().count() for r in loaded] == [r.stats().count() for r in flat]
    assert loaded[-1].data().get() == pytest.approx(flat[-1].data().get())
    # JSON text and tree layout too
    assert len(WallClockStorage.load(json.dumps(data))) == len(flat)
    tree = WallClockStorage.dumps(WallClockStorage.get_tree())
    (root,) = WallClockStorage.load(tree)
    assert root.value().is_dummy()
    assert {c.value().prefix() for c in root.children()} >= {"foo"}
    with pytest.raises(TypeError, match="get_tree"):
        WallClockStorage.dumps([1, 2])


def test_load_reads_output_files(output_dir):
    script = ("import time, timemory\n"
              "from timemory.component import WallClock\n"
              "w = WallClock('filed').push().start(); time.sleep(0.01); w.stop().pop()\n"
              "timemory.finalize()\n")
    proc = run_python(["-c", script])
    assert proc.returncode == 0, proc.stderr
    rows = WallClockStorage.load(str(output_dir / "wall.json"))
    assert [r.prefix() for r in rows] == [">>> filed"]
    with open(output_dir / "wall.tree.json") as handle:
        (root,) = WallClockStorage.load(handle)
    assert [c.value().prefix() for c in root.children()] == ["filed"]
    assert root.children()[0].value().inclusive().stats().count() == 1
    with pytest.raises(ValueError, match="peak_rss"):
        PeakRssStorage.load(str(output_dir / "wall.json"))


DUMPS_SCRIPT = """
import json, sys, time, timemory
from timemory.component import CurrentPeakRss, WallClock
from timemory.storage import CurrentPeakRssStorage, WallClockStorage
outer = [WallClock("outer").push().start(), CurrentPeakRss("outer").push().start()]
for i in range(3):
    inner = [WallClock("inner").push().start(), CurrentPeakRss("inner").push().start()]
    block = bytearray(4 << 20)  # grows the high-water mark
    time.sleep(0.002 * (i + 1))
    for c in reversed(inner):
        c.stop().pop()
for c in reversed(outer):
    c.stop().pop()
dumped = {}
for label, cls in (("wall", WallClockStorage), ("current_peak_rss", CurrentPeakRssStorage)):
    dumped[label + ".json"] = cls.dumps(cls.get())
    dumped[label + ".tree.json"] = cls.dumps(cls.get_tree())
with open(sys.argv[1], "w") as handle:
    json.dump(dumped, handle)
timemory.finalize()
"""


def test_dumps_equals_the_files_written_at_finalize(output_dir, tmp_path):
    # Same run, same data: dumps() must give the output files' JSON exactly, key order and
    # number types included (1000000000 and 1000000000.0 are different text in a file).
    dumped_path = tmp_path / "dumped.json"
    proc = run_python(["-c", DUMPS_SCRIPT, str(dumped_path)])
    assert proc.returncode == 0, proc.stderr
    with open(dumped_path) as handle:
        dumped = json.load(handle)
    assert sorted(dumped) == sorted(["wall.json", "wall.tree.json", "current_peak_rss.json",
                                     "current_peak_rss.tree.json"])
    for name, data in dumped.items():
        with open(output_dir / name) as handle:
            written = json.load(handle)
        assert json.dumps(data) == json.dumps(written), name
    rows = dumped["wall.json"]["timemory"]["wall_clock"]["ranks"][0]["graph"]
    assert [(r["prefix"], r["entry"]["laps"]) for r in rows] == [(">>> outer", 1),
                                                                 (">>> |_inner", 3)]
    assert isinstance(rows[1]["entry"]["value"], int)


def test_one_storage_class_per_component():
    for name in timemory.component.get_types():
        cls = getattr(storage, name + "Storage")
        assert callable(cls.get) and callable(cls.get_tree)
    assert PeakRssStorage.get() == [] or isinstance(PeakRssStorage.get()[0].data(), PeakRss)
    assert len(WallClockStorage.dmp_get()) == 1


DEEP_SCRIPT = r"""
import json, os, sys, threading, timemory
from timemory.component import WallClock
from timemory.storage import WallClockStorage

N = 20000
regions = []
for _ in range(N):  # balanced recursion N deep: every push inside the one before
    w = WallClock("deep")
    w.push()
    w.start()
    regions.append(w)
for w in reversed(regions):
    w.stop()
    w.pop()
out = {}

def work():  # on a 256 KiB stack: nothing below may recurse once per level
    rows = WallClockStorage.get()
    out["rows"] = len(rows)
    out["depth"] = rows[-1].depth()
    out["hierarchy"] = rows[-1].hierarchy() == [timemory.get_hash("deep")] * N
    loaded = WallClockStorage.load(json.dumps(WallClockStorage.dumps(rows)))
    out["loaded_hierarchy"] = len(loaded[-1].hierarchy())
    (root,) = WallClockStorage.get_tree()
    node, levels = root, 0
    while node.children():
        (node,) = node.children()
        levels += 1
    out["tree_levels"] = levels
    del root, node  # frees the whole tree here
    timemory.finalize()
    (root,) = WallClockStorage.load(os.path.join(sys.argv[1], "wall.tree.json"))
    node, levels = root, 0
    while node.children():
        (node,) = node.children()
        levels += 1
    out["file_levels"] = levels
    del root, node

threading.stack_size(256 * 1024)
t = threading.Thread(target=work)
t.start()
t.join()
print(json.dumps(out))
"""


def test_twenty_thousand_deep_storage_on_a_small_stack(tmp_path):
    # Rows share their view (hierarchy() walks the parents), and load, get_tree, dumps and
    # freeing a tree loop instead of recursing: a deep graph fits in a thread's small stack.
    proc = run_python(["-c", DEEP_SCRIPT, str(tmp_path)],
                      env={"TIMEMORY_OUTPUT_PATH": str(tmp_path), "TIMEMORY_COUT_OUTPUT": "OFF"},
                      timeout=240)
    assert proc.returncode == 0, proc.stderr[-2000:]
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out == {"rows": 20000, "depth": 19999, "hierarchy": True, "loaded_hierarchy": 20000,
                   "tree_levels": 20000, "file_levels": 20000}
