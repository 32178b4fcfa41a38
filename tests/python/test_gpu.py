"""GPU components from Python (issue #4): the classes CudaEvent, CuptiActivity, CuptiMemoryBytes,
CuptiCallback, NvtxMarker and CuptiCounters (issue #5), their availability and its reason, and the host fallback: asking for
a GPU component where it cannot measure warns once and every other component keeps measuring.

Most checks are for a machine without a CUDA device (or a build without CUDA), where the reason is
known; the device itself is exercised by the C++ tests in cuda_tests/, which launch kernels.
"""
import json
import os
import subprocess

import pytest

import timemory
from timemory import component
from conftest import run_python

GPU_CLASSES = {
    "CudaEvent": "cuda_event",
    "CuptiActivity": "cupti_activity",
    "CuptiMemoryBytes": "cupti_memory_bytes",
    "CuptiCallback": "cupti_callback",
    "NvtxMarker": "nvtx_marker",
    "CuptiCounters": "cupti_counters",
}
# Components that need a device (NVTX mirroring needs none: it is a no-op without a tool).
DEVICE_CLASSES = ["CudaEvent", "CuptiActivity", "CuptiMemoryBytes", "CuptiCounters"]

HAS_DEVICE = component.CudaEvent.is_available()
REASON = component.CudaEvent.unavailable_reason()
needs_no_device = pytest.mark.skipif(HAS_DEVICE, reason="a CUDA device is present")
needs_device = pytest.mark.skipif(not HAS_DEVICE, reason=REASON)


@pytest.fixture(autouse=True, scope="module")
def quiet_outputs(tmp_path_factory):
    """Outputs of this process (atexit finalize) go to a temporary folder, not the cwd."""
    timemory.settings.output_path = str(tmp_path_factory.mktemp("gpu-output"))
    timemory.settings.cout_output = False


def is_known_reason(reason):
    """The reasons a GPU component gives: no device, no CUDA in the build, no plugin."""
    return (reason.startswith("no CUDA device: ") and len(reason) > len("no CUDA device: ")) or \
        reason == "built without CUDA" or reason.startswith("GPU plugin")


def wall_rows(label):
    """(laps, sum in seconds) of every wall_clock row whose undecorated label is `label`."""
    graph = timemory.get(components=["wall_clock"])["timemory"]["wall_clock"]["ranks"][0]["graph"]
    out = []
    for row in graph:
        text = row["prefix"].split(">>> ", 1)[-1].lstrip(" ")
        if (text[2:] if text.startswith("|_") else text) == label:
            out.append((row["entry"]["laps"], row["stats"]["sum"]))
    return out


# ---- classes and availability --------------------------------------------------------------------


def test_gpu_classes_exist_with_availability_and_reason():
    for name, cid in GPU_CLASSES.items():
        cls = getattr(component, name)
        assert cls.id() == cid
        available = cls.is_available()
        reason = cls.unavailable_reason()
        assert isinstance(available, bool) and isinstance(reason, str)
        assert available == (reason == ""), (name, reason)
        assert component.is_available(cid) == available
        assert (name in component.get_available_types()) == available
        assert name in component.get_types()


def test_device_components_share_the_device_reason():
    reasons = {name: getattr(component, name).unavailable_reason() for name in DEVICE_CLASSES}
    assert len(set(reasons.values())) == 1, reasons
    if not HAS_DEVICE:
        assert is_known_reason(REASON), REASON
        assert "Not available here: " + REASON in component.CudaEvent.__doc__


@needs_no_device
def test_unavailable_cuda_event_is_a_no_op():
    event = component.CudaEvent("py_cuda_event")
    event.start()
    event.stop()
    assert event.laps() == 0
    assert event.get() is None
    assert str(event) == "cuda_event: not available ({})".format(REASON)
    assert repr(event).endswith("<not available>")


# ---- host fallback -------------------------------------------------------------------------------

MARKER_SCRIPT = """
import json, sys, time
import timemory
from timemory.util import marker
timemory.settings.cout_output = False
for _ in range(3):
    with marker(["wall_clock", "cupti_activity"], key="gpu_fallback"):
        time.sleep(0.01)
graph = timemory.get(components=["wall_clock"])["timemory"]["wall_clock"]["ranks"][0]["graph"]
print("ROWS " + json.dumps([[r["prefix"], r["entry"]["laps"], r["stats"]["sum"]] for r in graph]))
"""


@needs_no_device
def test_marker_with_a_gpu_component_warns_once_and_still_records_wall_clock(output_dir):
    # A fresh process: the warning is once per process.
    proc = run_python(["-c", MARKER_SCRIPT])
    assert proc.returncode == 0, proc.stderr
    lines = [line for line in proc.stdout.splitlines() if line.startswith("ROWS ")]
    assert len(lines) == 1, proc.stdout
    rows = json.loads(lines[0][len("ROWS "):])
    found = [r for r in rows if r[0].endswith("gpu_fallback")]
    assert len(found) == 1, rows
    laps, seconds = found[0][1], found[0][2]
    assert laps == 3
    assert 0.03 <= seconds < 5.0
    expected = "'cupti_activity' is not available here ({})".format(REASON)
    warnings = [line for line in proc.stderr.splitlines() if "cupti_activity" in line]
    assert len(warnings) == 1, proc.stderr
    assert expected in warnings[0], warnings[0]


def test_listing_shows_the_gpu_components_with_their_reason():
    """timemory-avail --json from the build tree (skipped when the package is installed)."""
    build = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(timemory.__file__))))
    avail = os.path.join(build, "tools", "timemory-avail", "timemory-avail")
    if not os.access(avail, os.X_OK):
        pytest.skip("timemory-avail not found next to the package ({})".format(avail))
    proc = subprocess.run([avail, "--json", "--components"], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    listed = {c["id"]: c for c in json.loads(proc.stdout)["components"]}
    for name, cid in GPU_CLASSES.items():
        cls = getattr(component, name)
        assert listed[cid]["class_name"] == name
        assert listed[cid]["available"] == cls.is_available()
        assert listed[cid]["unavailable_reason"] == cls.unavailable_reason()


# ---- with a device -------------------------------------------------------------------------------


@needs_device
def test_stand_alone_cuda_event_measures_with_a_device():
    event = component.CudaEvent("py_cuda_event_device")
    event.start()
    event.stop()  # waits for the stop event: stand-alone objects have no region to attach to
    assert event.laps() == 1
    assert 0.0 <= event.get_raw() < 1e9


@needs_device
def test_marker_with_cuda_event_records_both_with_a_device():
    from timemory.util import marker

    with marker(["wall_clock", "cuda_event"], key="gpu_marker_device"):
        pass
    assert [laps for laps, _ in wall_rows("gpu_marker_device")] == [1]
    graph = timemory.get(components=["cuda_event"])["timemory"]["cuda_event"]["ranks"][0]["graph"]
    laps = [r["entry"]["laps"] for r in graph if r["prefix"].endswith("gpu_marker_device")]
    assert laps == [1]


# ---- kernels from a Python GPU library (device machines: PyTorch or CuPy) ------------------------

KERNELS_SCRIPT = """
import json, sys
import timemory
from timemory.util import marker
timemory.settings.cout_output = False
lib = sys.argv[1]
if lib == "torch":
    import torch
    x = torch.ones((1024, 1024), device="cuda")
    sync = torch.cuda.synchronize
else:
    import cupy
    x = cupy.ones((1024, 1024), dtype=cupy.float32)
    sync = cupy.cuda.runtime.deviceSynchronize
y = x @ x  # library and module loading outside the region
sync()
with marker(["wall_clock", "cupti_activity", "cupti_memory_bytes"], key="py_matmul"):
    y = x @ x
    sync()
with marker(["wall_clock", "cupti_activity", "cupti_memory_bytes"], key="py_download"):
    host = y.cpu().numpy() if lib == "torch" else cupy.asnumpy(y)
assert host[0, 0] == 1024.0 and host.nbytes == 1024 * 1024 * 4
out = {}
for cid in ("cupti_activity", "cupti_memory_bytes"):
    graph = timemory.get(components=[cid])["timemory"][cid]["ranks"][0]["graph"]
    out[cid] = [[r["prefix"], r["depth"], r["entry"]["laps"], r["stats"]["sum"]] for r in graph]
print("ROWS " + json.dumps(out))
"""


def gpu_array_library():
    """PyTorch or CuPy, whichever this Python has (the GPU machines have both), else None."""
    import importlib.util

    for name in ("torch", "cupy"):
        if importlib.util.find_spec(name) is not None:
            return name
    return None


def children(rows, label):
    """(label, laps, sum) of the rows directly under the row labelled `label`."""
    found, out = None, []
    for prefix, depth, laps, total in rows:
        text = prefix.split(">>> ", 1)[-1].lstrip(" ")
        text = text[2:] if text.startswith("|_") else text
        if found is None:
            if text == label:
                found = depth
        elif depth <= found:
            break
        elif depth == found + 1:
            out.append((text, laps, total))
    assert found is not None, (label, rows)
    return out


@needs_device
@pytest.mark.skipif(gpu_array_library() is None, reason="neither PyTorch nor CuPy is installed")
def test_kernels_and_copies_from_python_land_under_the_marker_that_launched_them():
    proc = run_python(["-c", KERNELS_SCRIPT, gpu_array_library()])
    assert proc.returncode == 0, proc.stderr
    lines = [line for line in proc.stdout.splitlines() if line.startswith("ROWS ")]
    assert len(lines) == 1, proc.stdout + proc.stderr
    rows = json.loads(lines[0][len("ROWS "):])
    # The matrix product: at least one kernel row with device time (far below a second).
    kernels = [c for c in children(rows["cupti_activity"], "py_matmul")
               if not c[0].startswith("cuda")]
    assert kernels, rows["cupti_activity"]
    assert all(laps >= 1 and 0.0 < total < 1.0 for _, laps, total in kernels), kernels
    # The download: one 4 MiB device-to-host copy (cupti_memory_bytes is in MB).
    copies = [c for c in children(rows["cupti_memory_bytes"], "py_download")
              if c[0] == "cudaMemcpy_DtoH"]
    assert len(copies) == 1, rows["cupti_memory_bytes"]
    assert copies[0][2] == pytest.approx(4.194304, rel=1e-6)
