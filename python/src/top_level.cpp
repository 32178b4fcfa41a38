// Top-level functions of the module: init/finalize, report and the in-memory copies of the
// outputs (get, get_text), enable/disable, label hashes and version/build information.
//
//     timemory.init([__file__])              # output dir timemory-<script>-output
//     data = timemory.get(components=["wall_clock"])   # same JSON as wall.json
//     timemory.finalize()                    # writes every output once
#include "components.hpp"

#include "timemory/components/papi.hpp"
#include "timemory/components/rusage.hpp"

#include "timemory/core/manager.hpp"
#include "timemory/core/mpi.hpp"
#include "timemory/core/output.hpp"
#include "timemory/core/plugins.hpp"
#include "timemory/core/registry.hpp"
#include "timemory/core/results.hpp"
#include "timemory/core/settings.hpp"

#include <pybind11/stl.h>
#include <nlohmann/json.hpp>

#include <sys/utsname.h>
#include <atomic>
#include <cstdlib>
#include <map>

namespace tim::python {
namespace {

void flush_python_stdout() {
    // Outputs are written with C stdio; flush Python's buffers first so the order holds.
    auto sys = py::module_::import("sys");
    for (const char* name : {"stdout", "stderr"}) {
        py::object stream = sys.attr(name);
        if (!stream.is_none() && py::hasattr(stream, "flush")) {
            try {
                stream.attr("flush")();
            } catch (const py::error_already_set&) {
            }
        }
    }
}

bool env_true(const char* name) {
    const char* value = std::getenv(name);
    bool out = false;
    return value != nullptr && settings::parse_bool(value, out) && out;
}

void initialize(const py::list& argv, const std::string& prefix, const std::string& suffix) {
    if (argv.empty()) return;
    std::vector<std::string> args;
    for (auto a : argv) args.push_back(py::str(a).cast<std::string>());
    tim::init(args, prefix, suffix);
}

void finalize() {
    if (tim::is_finalized() || env_true("TIMEMORY_SKIP_FINALIZE")) return;
    py::module_::import("gc").attr("collect")();
    flush_python_stdout();
    py::gil_scoped_release release;
    tim::finalize();
}

void report(const std::string& filename) {
    flush_python_stdout();
    py::gil_scoped_release release;
    tim::report(filename);
}

py::object get(bool hierarchy, const py::object& components) {
    auto requested = resolve_components(components);  // ValueError before any work
    std::string text;
    {
        py::gil_scoped_release release;
        const auto tree = collect_results();
        if (requested.empty()) requested = recorded_components(tree);
        text = hierarchy ? format_tree_json(tree, requested) : format_flat_json(tree, requested);
    }
    return py::module_::import("json").attr("loads")(text);
}

std::string get_text(const py::object& components) {
    auto requested = resolve_components(components);
    py::gil_scoped_release release;
    const auto tree = collect_results();
    if (requested.empty()) requested = recorded_components(tree);
    std::string out;
    for (const auto* info : requested) out += format_text(tree, *info);
    return out;
}

std::map<int, std::size_t> size(const py::object& components) {
    auto requested = resolve_components(components);
    py::gil_scoped_release release;
    const auto tree = collect_results();
    if (requested.empty()) requested = registry::all();
    std::map<int, std::size_t> out;
    for (const auto* info : requested) out[info->index] = component_view(tree, *info).size();
    return out;
}

void clear(const py::object& components) {
    const auto selected = resolve_components(components);  // ValueError for unknown names
    py::gil_scoped_release release;
    if (selected.empty()) return clear_results();
    for (const auto* info : selected) clear_results(*info);
}

void set_enabled(bool on) {
    auto& s = settings::instance();
    s.enabled = on;
    s.changed();
}

std::string version_string() {
    const auto meta = nlohmann::json::parse(format_metadata_json({}), nullptr, false);
    try {
        return meta.at("timemory")
            .at("metadata")
            .at("info")
            .at("TIMEMORY_VERSION")
            .get<std::string>();
    } catch (const nlohmann::json::exception&) {
        return "unknown";
    }
}

py::dict build_info(const std::string& version) {
    py::dict info;
    struct utsname u {};
    const bool have_uname = ::uname(&u) == 0;
    info["version"] = version;
#if defined(NDEBUG)
    info["build_type"] = "Release";
#else
    info["build_type"] = "Debug";
#endif
#if defined(__clang__)
    info["compiler_id"] = "Clang";
#elif defined(__GNUC__)
    info["compiler_id"] = "GNU";
#else
    info["compiler_id"] = "unknown";
#endif
    info["compiler_version"] = __VERSION__;
    info["cxx_standard"] = static_cast<long>(__cplusplus);
    info["system_name"] = have_uname ? u.sysname : "unknown";
    info["system_version"] = have_uname ? u.release : "unknown";
    info["library_architecture"] = have_uname ? u.machine : "unknown";
    info["python_version"] = py::module_::import("platform").attr("python_version")();
    info["mpi"] = tim::mpi::is_available();  // the MPI plugin is in this build
    info["papi"] = tim::papi::built_with_papi();
    info["cuda"] = tim::plugins::status("gpu").empty();  // the GPU plugin is loaded
    return info;
}

}  // namespace

void init_top_level(py::module_& m) {
    const char* init_doc =
        "Initialize timemory: name the output directory after argv[0] "
        "(timemory-<name>-output) and re-read the settings; no-op when argv is empty";
    for (const char* name : {"initialize", "timemory_init"}) {
        m.def(name, &initialize, py::arg("argv") = py::list(), py::arg("prefix") = "timemory-",
              py::arg("suffix") = "-output", init_doc);
    }
    m.attr("init") = m.attr("initialize");
    const char* fin_doc =
        "Finalize timemory (generate output) -- important to call if using MPI. "
        "Runs gc.collect() first; later calls do nothing until init() is called again";
    m.def("finalize", &finalize, fin_doc);
    m.def("timemory_finalize", &finalize, fin_doc);
    m.def(
        "is_finalized", [] { return tim::is_finalized(); },
        "Whether finalize() has run since the last init()");
    m.def(
        "report", &report, py::arg("filename") = "",
        "Print the data: write every output now (to `filename` as the output directory when given) "
        "without finalizing");
    m.def("get", &get, py::arg("hierarchy") = false, py::arg("components") = py::list(),
          "The data as a dict: the flat layout of the <label>.json files, or with hierarchy=True "
          "the tree layout of the <label>.tree.json files. `components`: names or "
          "timemory.component.id values (empty: every component with data); unknown names raise "
          "ValueError listing the valid ones");
    m.def("get_text", &get_text, py::arg("components") = py::list(),
          "The text tables (the content of the <label>.txt files), concatenated");
    m.def("clear", &clear, py::arg("components") = py::list(),
          "Forget the measurements of the given components (default: every measurement)");
    m.def(
        "size", &size, py::arg("components") = py::list(),
        "{component index: number of call-graph entries} for the given (default: every) component");

    m.def(
        "enable", [] { set_enabled(true); }, "Enable timemory");
    m.def(
        "disable", [] { set_enabled(false); }, "Disable timemory");
    m.def("toggle", &set_enabled, py::arg("on") = true, "Enable/disable timemory");
    m.def(
        "is_enabled", [] { return tim::is_enabled(); },
        "Return if timemory is enabled or disabled");
    m.def(
        "enabled", [] { return tim::is_enabled(); }, "Return if timemory is enabled or disabled");
    m.def(
        "has_mpi_support", [] { return tim::mpi::is_available(); },
        "Return if the timemory library has MPI support: this build has the MPI plugin, which "
        "timemory loads once the process uses MPI (timemory.mpi.is_supported() says it is)");
    m.def(
        "set_rusage_children", [] { tim::component::set_rusage_children(); },
        "Set the rusage to record child processes: getrusage-based components (user/system "
        "clock, peak_rss, page faults, context switches, ...) measure terminated, waited-for "
        "children (RUSAGE_CHILDREN)");
    m.def(
        "set_rusage_self", [] { tim::component::set_rusage_self(); },
        "Set the rusage to record the calling process (the default, RUSAGE_SELF)");
    m.def(
        "get_rusage_children", [] { return tim::component::rusage_children(); },
        "Whether getrusage-based components measure child processes");

    m.def(
        "add_hash_id", [](const std::string& key) { return add_label(key); }, py::arg("key"),
        "Register a label and return its 64-bit hash");
    m.def(
        "get_hash", [](const std::string& key) { return add_label(key); }, py::arg("key"),
        "Register a label and return its 64-bit hash (same as add_hash_id)");
    m.def(
        "get_hash_identifier", [](hash_value hash) { return label_text(hash); }, py::arg("hash_id"),
        "The label registered for a hash, or 'unknown-hash=<n>'");

    const std::string version = version_string();
    m.attr("__version__") = version;
    m.attr("version") = version;
    m.attr("build_info") = build_info(version);
}

}  // namespace tim::python
