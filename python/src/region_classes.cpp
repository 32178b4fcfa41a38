// Top-level measurement classes of the timemory module (timemory.libs.<name> in help()):
//
//   timer(key)                 start/stop/report; real/sys/user/cpu_elapsed; records into the graph
//   auto_timer(key, report)    starts now, stops at stop()/with-exit/destruction (=
//   timer_decorator) rss_usage(key, record)     snapshot of page_rss, peak_rss, page faults,
//   context switches component_bundle(f, file, line, extra)   configure()d components under
//   "f@file:line/extra" manager                    add_metadata/get_metadata, written files,
//   write_ctest_notes
//
// Default components of auto_timer: wall_clock, cpu_clock, cpu_util, peak_rss (timemory's
// minimal auto_timer). timer adds system_clock and user_clock so that sys_elapsed() and
// user_elapsed() are measured (timemory read clocks its timer did not have).
// Python tests: tests/python/test_region.py.
#include "region.hpp"

#include "timemory/core/bundle.hpp"
#include "timemory/core/log.hpp"
#include "timemory/core/manager.hpp"
#include "timemory/core/output.hpp"
#include "timemory/core/registry.hpp"
#include "timemory/core/units.hpp"

#include <pybind11/stl.h>

#include <cmath>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace tim::python {
namespace region_detail {

std::string format_values(const std::vector<const component_info*>& components,
                          const double* values) {
    std::string out;
    for (const auto* c : components) {
        for (unsigned i = 0; i < c->value_count; ++i, ++values) {
            const auto kind = c->value_units(i);
            const auto unit = display_unit_for(kind);
            if (!out.empty()) out += ", ";
            out += format_number(*values / unit.scale, kind, c->integer_values);
            if (!unit.name.empty()) out += " " + unit.name;
            out += " ";
            out += c->value_label(i);
        }
    }
    return out;
}

py::dict values_dict(const std::vector<const component_info*>& components, const double* values,
                     bool raw) {
    py::dict out;
    for (const auto* c : components) {
        py::list items;
        for (unsigned i = 0; i < c->value_count; ++i, ++values) {
            const double scale = raw ? 1.0 : display_unit_for(c->value_units(i)).scale;
            items.append(*values / scale);
        }
        const std::string id{c->id};
        if (c->value_count == 1) {
            out[py::str(id)] = items[0];
        } else {
            out[py::str(id)] = items;
        }
    }
    return out;
}

namespace {

std::vector<const component_info*> lookup(std::initializer_list<std::string_view> ids) {
    std::vector<const component_info*> out;
    for (auto id : ids) out.push_back(&registry::get(id));
    return out;
}

std::string key_or_caller(const std::string& key) {
    return key.empty() ? caller_label() : key;
}

/// A runtime_bundle that also keeps the sum of its laps (display: per-lap mean for percentages).
class lap_bundle {
  public:
    lap_bundle(std::string label, std::vector<const component_info*> components,
               scope_mode mode = scope_mode::use_default)
        : m_label{std::move(label)}, m_bundle{m_label, std::move(components), mode} {
        m_total.assign(m_bundle.last_values().size(), 0.0);
    }

    void start() { m_bundle.start(); }
    void stop() {
        if (!m_bundle.running()) return;
        m_bundle.stop();
        const auto& last = m_bundle.last_values();
        // A value known later (GPU timers) is NaN here: it reaches the call graph, not the lap.
        for (std::size_t i = 0; i < last.size(); ++i) {
            if (!std::isnan(last[i])) m_total[i] += last[i];
        }
        ++m_laps;
    }
    void reset() {
        std::fill(m_total.begin(), m_total.end(), 0.0);
        m_laps = 0;
    }
    bool running() const noexcept { return m_bundle.running(); }
    std::uint64_t laps() const noexcept { return m_laps; }
    const std::string& label() const noexcept { return m_label; }
    const std::vector<const component_info*>& components() const noexcept {
        return m_bundle.components();
    }

    /// Totals over the completed laps; percentages (cpu_util) are the mean per lap.
    std::vector<double> values() const {
        std::vector<double> out = m_total;
        std::size_t k = 0;
        for (const auto* c : components()) {
            for (unsigned i = 0; i < c->value_count; ++i, ++k) {
                if (c->value_units(i) == unit_kind::percent && m_laps > 1) {
                    out[k] /= static_cast<double>(m_laps);
                }
            }
        }
        return out;
    }

    /// Value of component `id` (first value) in display units, 0 if absent.
    double value_of(std::string_view id) const {
        const auto totals = values();
        std::size_t k = 0;
        for (const auto* c : components()) {
            if (c->id == id) return totals[k] / display_unit_for(c->value_units(0)).scale;
            k += c->value_count;
        }
        return 0.0;
    }

    std::string str() const {
        return m_label + " : " + format_values(components(), values().data());
    }
    py::dict get(bool raw) const { return values_dict(components(), values().data(), raw); }

  private:
    std::string m_label;
    runtime_bundle m_bundle;
    std::vector<double> m_total;
    std::uint64_t m_laps = 0;
};

struct timer_type : lap_bundle {
    using lap_bundle::lap_bundle;
};
struct bundle_type : lap_bundle {
    using lap_bundle::lap_bundle;
};

/// Methods timer and component_bundle share.
template <typename T>
void bind_lap_methods(py::class_<T>& cls) {
    cls.def("start", [](T& b) { b.start(); })
        .def("stop", [](T& b) { b.stop(); })
        .def(
            "get", [](const T& b) { return b.get(false); },
            "{component id: value in display units}")
        .def(
            "get_raw", [](const T& b) { return b.get(true); },
            "{component id: value in raw units (ns, bytes)}")
        .def("__enter__",
             [](py::object self) {
                 self.cast<T&>().start();
                 return self;
             })
        .def("__exit__",
             [](T& b, py::args) {
                 b.stop();
                 return false;
             })
        .def("__str__", [](const T& b) { return b.str(); })
        .def_property_readonly("laps", [](const T& b) { return b.laps(); })
        .def_property_readonly("running", [](const T& b) { return b.running(); })
        .def_property_readonly("label", [](const T& b) { return b.label(); });
}

// ---- auto_timer ------------------------------------------------------------------------------

class auto_timer {
  public:
    auto_timer(const std::string& key, bool report_at_exit)
        : m_bundle{key_or_caller(key), lookup({"wall_clock", "cpu_clock", "cpu_util", "peak_rss"})},
          m_report{report_at_exit} {
        m_bundle.start();
    }
    ~auto_timer() {
        try {
            stop();
        } catch (...) {
            // never throw from a destructor (printing may fail during interpreter exit)
        }
    }
    void stop() {
        if (!m_bundle.running()) return;
        m_bundle.stop();
        if (m_report && Py_IsInitialized()) py::print(m_bundle.str());
    }
    /// Another lap after stop(); the values add up.
    void start() {
        if (!m_bundle.running()) m_bundle.start();
    }
    const lap_bundle& bundle() const noexcept { return m_bundle; }

  private:
    lap_bundle m_bundle;
    bool m_report;
};

// ---- rss_usage -------------------------------------------------------------------------------

double parse_memory_scale(py::handle units) {
    if (units.is_none()) return 1e6;
    if (py::isinstance<py::str>(units)) {
        const auto text = units.cast<std::string>();
        if (auto unit = parse_memory_unit(text)) return unit->scale;
        throw py::value_error(
            "unknown memory unit '" + text +
            "'; valid: B, KB, MB, GB, TB, KiB, MiB, GiB, TiB or a number of bytes "
            "(timemory.units.megabyte)");
    }
    const double scale = units.cast<double>();
    if (!(scale > 0.0)) throw py::value_error("units must be a positive number of bytes");
    return scale;
}

class rss_usage {
  public:
    explicit rss_usage(std::string label) : m_label{std::move(label)} {
        m_values.assign(components().size(), 0.0);
    }
    static const std::vector<const component_info*>& components() {
        static const auto list =
            lookup({"page_rss", "peak_rss", "num_minor_page_faults", "num_major_page_faults",
                    "voluntary_context_switch", "priority_context_switch"});
        return list;
    }
    void record() {
        double raw[max_component_raw];
        std::size_t k = 0;
        for (const auto* c : components()) {
            c->sample(raw);
            m_values[k++] = raw[0];  // absolute reading (each of these samples one value)
        }
        m_recorded = true;
    }
    double current(py::handle units) const { return m_values[0] / parse_memory_scale(units); }
    double peak(py::handle units) const { return m_values[1] / parse_memory_scale(units); }
    rss_usage& combine(const rss_usage& other, double sign) {
        for (std::size_t i = 0; i < m_values.size(); ++i) m_values[i] += sign * other.m_values[i];
        m_recorded = m_recorded || other.m_recorded;
        return *this;
    }
    std::string str() const {
        return m_label + " : " + format_values(components(), m_values.data());
    }
    py::dict get(bool raw) const { return values_dict(components(), m_values.data(), raw); }
    const std::string& label() const noexcept { return m_label; }
    bool recorded() const noexcept { return m_recorded; }

  private:
    std::string m_label;
    std::vector<double> m_values;
    bool m_recorded = false;
};

// ---- component_bundle --------------------------------------------------------------------------

struct bundle_config {
    std::vector<const component_info*> components;
    scope_mode mode = scope_mode::use_default;
};
bundle_config& configured() {
    static auto* config = new bundle_config{lookup({"wall_clock"}), scope_mode::use_default};
    return *config;
}

void configure_bundle(py::object components, bool flat, bool timeline) {
    auto list = to_components(components);
    if (list.empty()) list = lookup({"wall_clock"});
    configured() = bundle_config{std::move(list), to_scope(flat, timeline)};
}

std::string bundle_label(const std::string& func, const std::string& file, int line,
                         const std::vector<std::string>& extra) {
    std::string label = func + "@" + file + ":" + std::to_string(line);
    if (!extra.empty()) {
        label += "/";
        for (std::size_t i = 0; i < extra.size(); ++i) label += (i ? "/" : "") + extra[i];
    }
    return label;
}

// ---- manager -------------------------------------------------------------------------------

std::vector<written_file> last_outputs() {
    std::vector<written_file> out;
    for (const auto& path : written_files()) {
        std::string name = path.substr(path.find_last_of('/') + 1);
        written_file f;
        f.label = name.substr(0, name.find('.'));
        f.path = path;
        f.kind = name.ends_with(".txt") ? "text" : "json";
        out.push_back(std::move(f));
    }
    return out;
}

py::list files_ending(std::string_view suffix) {
    py::list out;
    for (const auto& path : written_files()) {
        if (path.ends_with(suffix)) out.append(path);
    }
    return out;
}

}  // namespace

void init_classes(py::module_& m) {
    const auto as_lib = [](py::handle cls) { cls.attr("__module__") = "timemory.libs"; };

    // timer -------------------------------------------------------------------------------------
    auto timer = py::class_<timer_type>(
        m, "timer",
        "Timer of wall_clock, system_clock, user_clock, cpu_clock, cpu_util and peak_rss, started "
        "and stopped explicitly; each start/stop is also recorded in the call graph under `key` "
        "(empty: the caller's 'func@file:line'). Elapsed values are the sum of completed laps in "
        "settings.timing_units (default sec).");
    timer
        .def(py::init([](const std::string& key) {
                 return std::make_unique<timer_type>(
                     key_or_caller(key), lookup({"wall_clock", "system_clock", "user_clock",
                                                 "cpu_clock", "cpu_util", "peak_rss"}));
             }),
             py::arg("key") = "")
        .def(
            "reset", [](timer_type& b) { b.reset(); }, "forget the completed laps")
        .def(
            "report", [](const timer_type& b) { py::print(b.str()); }, "print the values")
        .def("real_elapsed", [](const timer_type& b) { return b.value_of("wall_clock"); })
        .def("sys_elapsed", [](const timer_type& b) { return b.value_of("system_clock"); })
        .def("user_elapsed", [](const timer_type& b) { return b.value_of("user_clock"); })
        .def("cpu_elapsed", [](const timer_type& b) { return b.value_of("cpu_clock"); })
        .def("cpu_util", [](const timer_type& b) { return b.value_of("cpu_util"); });
    bind_lap_methods(timer);
    as_lib(timer);

    // auto_timer --------------------------------------------------------------------------------
    auto at = py::class_<auto_timer>(
        m, "auto_timer",
        "Starts on construction and stops at stop(), at the end of a with-block or when destroyed; "
        "recorded in the call graph under `key` (empty: caller 'func@file:line').\n"
        "Components: wall_clock, cpu_clock, cpu_util, peak_rss. report_at_exit=True prints the "
        "values when it stops.");
    at.def(py::init<const std::string&, bool>(), py::arg("key") = "",
           py::arg("report_at_exit") = false)
        .def("stop", &auto_timer::stop)
        .def("start", &auto_timer::start,
             "Start another lap after stop(); the values add up (the decorators time each slice "
             "of a coroutine or generator this way)")
        .def("__enter__", [](py::object self) { return self; })
        .def("__exit__",
             [](auto_timer& t, py::args) {
                 t.stop();
                 return false;
             })
        .def("get", [](const auto_timer& t) { return t.bundle().get(false); })
        .def("get_raw", [](const auto_timer& t) { return t.bundle().get(true); })
        .def("__str__", [](const auto_timer& t) { return t.bundle().str(); })
        .def_property_readonly("running", [](const auto_timer& t) { return t.bundle().running(); })
        .def_property_readonly("label", [](const auto_timer& t) { return t.bundle().label(); });
    as_lib(at);
    m.attr("timer_decorator") = at;

    // rss_usage ---------------------------------------------------------------------------------
    auto rss = py::class_<rss_usage>(
        m, "rss_usage",
        "Snapshot of page_rss (current resident set), peak_rss (high-water mark), minor/major "
        "page faults and voluntary/priority context switches. record() takes the snapshot "
        "(record=True: at construction); a - b gives the change between two snapshots.\n"
        "current(units)/peak(units): bytes divided by `units` (a number such as "
        "timemory.units.kilobyte, or 'KB', 'MiB', ...; default megabyte).");
    rss.def(py::init([](const std::string& key, bool record) {
                auto r = std::make_unique<rss_usage>(key_or_caller(key));
                if (record) r->record();
                return r;
            }),
            py::arg("key") = "", py::arg("record") = false)
        .def(
            "record",
            [](rss_usage& r) -> rss_usage& {
                r.record();
                return r;
            },
            py::return_value_policy::reference_internal)
        .def("current", &rss_usage::current, py::arg("units") = 1e6)
        .def("peak", &rss_usage::peak, py::arg("units") = 1e6)
        .def("get", [](const rss_usage& r) { return r.get(false); })
        .def("get_raw", [](const rss_usage& r) { return r.get(true); })
        .def(
            "__iadd__",
            [](rss_usage& a, const rss_usage& b) -> rss_usage& { return a.combine(b, 1.0); },
            py::return_value_policy::reference_internal)
        .def(
            "__isub__",
            [](rss_usage& a, const rss_usage& b) -> rss_usage& { return a.combine(b, -1.0); },
            py::return_value_policy::reference_internal)
        .def("__add__",
             [](const rss_usage& a, const rss_usage& b) { return rss_usage{a}.combine(b, 1.0); })
        .def("__sub__",
             [](const rss_usage& a, const rss_usage& b) { return rss_usage{a}.combine(b, -1.0); })
        .def("__str__", &rss_usage::str)
        .def_property_readonly("label", &rss_usage::label)
        .def_property_readonly("recorded", &rss_usage::recorded);
    as_lib(rss);

    // component_bundle ----------------------------------------------------------------------------
    auto cb = py::class_<bundle_type>(
        m, "component_bundle",
        "Bundle of the components chosen with component_bundle.configure() (default wall_clock) "
        "under the label 'func@file:line' + '/extra[0]/extra[1]...'; start()/stop(), stops when "
        "destroyed.");
    bind_lap_methods(cb);
    cb.def(py::init([](const std::string& func, const std::string& file, int line,
                       const std::vector<std::string>& extra) {
               const auto& config = configured();
               return std::make_unique<bundle_type>(bundle_label(func, file, line, extra),
                                                    config.components, config.mode);
           }),
           py::arg("func"), py::arg("file"), py::arg("line"),
           py::arg("extra") = std::vector<std::string>{})
        .def_static("configure", &configure_bundle, py::arg("components") = py::list(),
                    py::arg("flat") = false, py::arg("timeline") = false,
                    "Components (and flat/timeline scope) of bundles created from now on; an "
                    "empty list means wall_clock")
        .def_static("configure", &configure_bundle, py::arg("components") = py::list(),
                    py::arg("flat_profile") = false, py::arg("timeline_profile") = false)
        .def_static(
            "reset",
            [] {
                configured() = bundle_config{lookup({"wall_clock"}), scope_mode::use_default};
            },
            "Back to wall_clock, default scope")
        .def_static("components", [] {
            py::list out;
            for (const auto* c : configured().components) out.append(std::string{c->id});
            return out;
        });
    as_lib(cb);

    // manager -----------------------------------------------------------------------------------
    struct manager_tag {};
    auto mgr = py::class_<manager_tag>(
        m, "manager",
        "Run-wide information: files written by the last report/finalize, user metadata.");
    mgr.def(py::init<>())
        .def_property_readonly("text_files",
                               [](const manager_tag&) { return files_ending(".txt"); })
        .def_property_readonly("json_files",
                               [](const manager_tag&) { return files_ending(".json"); })
        .def_static(
            "add_metadata",
            [](const std::string& label, py::object value) {
                auto text = py::module_::import("json").attr("dumps")(value).cast<std::string>();
                tim::add_metadata(label, text);
            },
            py::arg("label"), py::arg("value"),
            "Add a key to the 'info' section of metadata.json and get_metadata() (str, int, "
            "float or a list of those; a second call with the same key replaces the value)")
        .def_static(
            "get_metadata",
            [] {
                auto json = py::module_::import("json");
                py::dict root = json.attr("loads")(format_metadata_json(last_outputs()));
                py::dict meta = root["timemory"]["metadata"];
                return meta;
            },
            "The metadata object (keys info, settings, output, environment) with the keys added "
            "by add_metadata() in info")
        .def(
            "write_ctest_notes",
            [](const manager_tag&, const std::string& directory, bool append) {
                const std::string path =
                    (directory.empty() ? std::string{"."} : directory) + "/CTestNotes.cmake";
                std::ofstream out{path, append ? std::ios::app : std::ios::trunc};
                if (!out) throw py::value_error("cannot write '" + path + "'");
                for (const auto& file : written_files()) {
                    if (file.ends_with(".txt"))
                        out << "list(APPEND CTEST_NOTES_FILES \"" << file << "\")\n";
                }
                return path;
            },
            py::arg("directory") = ".", py::arg("append") = false,
            "Write CTestNotes.cmake listing the text reports of the last output; returns its path");
    as_lib(mgr);
}

}  // namespace region_detail
}  // namespace tim::python
