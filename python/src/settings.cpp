// Class `settings`: every row of the core settings table as a static read/write property of the
// class, typed from the table (bool, int, float, str), so that
//
//     timemory.settings.verbose = 1
//     timemory.settings.json_output = True
//     timemory.settings.parse()          # re-read TIMEMORY_* variables
//
// work as in timemory. Assigning converts and checks the value (TypeError / ValueError naming the
// setting), stores it in tim::settings::instance() and calls changed(), so hot paths see it.
#include "bindings.hpp"

#include "timemory/core/settings.hpp"

#include <pybind11/stl.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <string>
#include <type_traits>
#include <vector>

namespace tim::python {
namespace {

/// Instances of `settings()` read and write the process-wide settings (there is only one set).
struct settings_handle {};

std::vector<std::string>& command_line() {
    static auto* value = new std::vector<std::string>{};
    return *value;
}

std::string type_name(py::handle value) {
    return py::str(py::type::handle_of(value).attr("__name__")).cast<std::string>();
}

[[noreturn]] void bad_type(const setting_spec& spec, std::string_view expected, py::handle value) {
    throw py::type_error("timemory.settings." + std::string{spec.name} + " expects " +
                         std::string{expected} + ", not " + type_name(value) + " (" +
                         py::repr(value).cast<std::string>() + ")");
}

// Parse text through the core (same rules as the TIMEMORY_* variables).
template <typename T>
T from_text(const setting_spec& spec, const std::string& text) {
    settings scratch = settings::instance();  // parse on a copy; only the typed result is used
    std::string error;
    if (!scratch.set_text(spec.name, text, &error)) {
        throw py::value_error("timemory.settings." + std::string{spec.name} + ": " + error);
    }
    T out{};
    scratch.for_each([&](const setting_spec& s, auto& member) {
        if constexpr (std::is_same_v<std::decay_t<decltype(member)>, T>) {
            if (s.name == spec.name) out = member;
        }
    });
    return out;
}

template <typename T>
T convert(const setting_spec& spec, py::handle value) {
    if constexpr (std::is_same_v<T, bool>) {
        if (PyBool_Check(value.ptr())) return value.cast<bool>();
        if (PyLong_Check(value.ptr())) return value.cast<long long>() != 0;
        if (py::isinstance<py::str>(value)) return from_text<T>(spec, value.cast<std::string>());
        bad_type(spec, "a bool (True/False, 1/0 or 'on'/'off')", value);
    } else if constexpr (std::is_same_v<T, std::int64_t>) {
        if (PyLong_Check(value.ptr())) {
            try {
                return value.cast<std::int64_t>();
            } catch (const py::cast_error&) {
                throw py::value_error("timemory.settings." + std::string{spec.name} + ": " +
                                      py::repr(value).cast<std::string>() +
                                      " does not fit in 64 bits");
            }
        }
        if (PyFloat_Check(value.ptr())) {
            const double d = value.cast<double>();
            if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 9.0e18)
                return static_cast<std::int64_t>(d);
            throw py::value_error("timemory.settings." + std::string{spec.name} +
                                  " expects a whole number, not " +
                                  py::repr(value).cast<std::string>());
        }
        if (py::isinstance<py::str>(value)) return from_text<T>(spec, value.cast<std::string>());
        bad_type(spec, "an int", value);
    } else if constexpr (std::is_same_v<T, double>) {
        if (PyFloat_Check(value.ptr()) || PyLong_Check(value.ptr())) return value.cast<double>();
        if (py::isinstance<py::str>(value)) return from_text<T>(spec, value.cast<std::string>());
        bad_type(spec, "a float", value);
    } else {
        if (py::isinstance<py::str>(value)) return value.cast<std::string>();
        if (py::hasattr(value, "__fspath__"))
            return py::str(value.attr("__fspath__")()).cast<std::string>();
        if (py::isinstance<py::list>(value) || py::isinstance<py::tuple>(value)) {
            std::string out;  // ["wall_clock", "cpu_clock"] -> "wall_clock,cpu_clock"
            for (auto item : value) {
                if (!py::isinstance<py::str>(item)) bad_type(spec, "a str or a list of str", item);
                if (!out.empty()) out += ",";
                out += item.cast<std::string>();
            }
            return out;
        }
        bad_type(spec, "a str", value);
    }
}

py::object as_python(const settings& s, std::string_view name) {
    py::object out = py::none();
    s.for_each([&](const setting_spec& spec, const auto& member) {
        if (spec.name == name) out = py::cast(member);
    });
    return out;
}

const setting_spec& find_spec(py::handle name) {
    const auto text = py::str(name).cast<std::string>();
    const auto* spec = settings::instance().find(text);
    if (spec == nullptr) {
        try {
            (void)settings::instance().get_text(text);  // throws naming close matches
        } catch (const std::exception& e) {
            throw py::attribute_error(std::string{"timemory.settings: "} + e.what());
        }
        throw py::attribute_error("timemory.settings: unknown setting '" + text + "'");
    }
    return *spec;
}

void set_by_name(const setting_spec& spec, py::handle value) {
    auto& s = settings::instance();
    s.for_each([&](const setting_spec& row, auto& member) {
        if (row.name != spec.name) return;
        using T = std::decay_t<decltype(member)>;
        member = convert<T>(row, value);
    });
    s.changed();
}

py::object dump(const std::string& filename) {
    const std::string text = settings::instance().to_json();
    if (!filename.empty()) {
        std::ofstream out{filename};
        if (!out) throw py::value_error("timemory.settings.dump: cannot write '" + filename + "'");
        out << text;
    }
    return py::module_::import("json").attr("loads")(text);
}

}  // namespace

// Metaclass of `settings`: assigning an attribute that does not exist (a typo such as
// `timemory.settings.verbsoe = 1`) raises AttributeError naming close matches instead of
// silently creating a class attribute. Derived from pybind11's own metaclass so static
// properties keep working.
py::object strict_metaclass(py::module_& m) {
    struct probe {};
    py::class_<probe> probe_cls(m, "_settings_probe");
    py::object base =
        py::reinterpret_borrow<py::object>(reinterpret_cast<PyObject*>(Py_TYPE(probe_cls.ptr())));
    py::delattr(m, "_settings_probe");
    py::dict ns;
    ns["__slots__"] = py::tuple();
    ns["__module__"] = "timemory.libs";
    py::object meta =
        py::module_::import("builtins").attr("type")("settings_type", py::make_tuple(base), ns);
    py::object base_setattr = base.attr("__setattr__");
    meta.attr("__setattr__") = py::cpp_function(
        [base_setattr](py::handle cls, const std::string& name, py::handle value) {
            if (!name.empty() && name[0] != '_' &&
                py::getattr(cls, "_sealed", py::bool_(false)).cast<bool>() &&
                !py::hasattr(cls, name.c_str())) {
                try {
                    (void)settings::instance().get_text(name);  // throws naming close matches
                } catch (const std::exception& e) {
                    throw py::attribute_error(std::string{"timemory.settings: "} + e.what());
                }
            }
            base_setattr(cls, name, value);
        },
        py::name("__setattr__"), py::is_method(meta));
    return meta;
}

void init_settings(py::module_& m) {
    py::class_<settings_handle> cls(m, "settings", py::metaclass(strict_metaclass(m)),
                                    R"(Every timemory setting as a read/write attribute.

    timemory.settings.verbose = 1
    timemory.settings.timing_units = "msec"
    timemory.settings.parse()   # re-read TIMEMORY_* environment variables

Each attribute is typed (bool, int, float or str) from the settings table; a value of the wrong
type raises TypeError, an unparsable one ValueError, both naming the setting. Instances
(`timemory.settings()`) see the same process-wide values, also as `get_<name>` properties.)");
    cls.def(py::init<>());

    settings::instance().for_each([&](const setting_spec& spec, auto& member) {
        using T = std::decay_t<decltype(member)>;
        T* ptr = &member;
        const setting_spec* sp = &spec;
        const std::string name{spec.name};
        std::string doc = std::string{spec.description} + " [env: " + std::string{spec.env} +
                          ", type: " + std::string{to_string(spec.type)} +
                          ", default: " + std::string{spec.default_text} + "]";
        if (!spec.supported())
            doc += " Not supported by this build (" + std::string{spec.unsupported} +
                   "): a value is accepted, warned once and has no effect.";
        cls.def_property_static(name.c_str(), py::cpp_function([ptr](py::handle) { return *ptr; }),
                                py::cpp_function([ptr, sp](py::handle, py::handle value) {
                                    *ptr = convert<T>(*sp, value);
                                    settings::instance().changed();
                                }),
                                doc.c_str());
        cls.def_property_readonly(("get_" + name).c_str(),
                                  [ptr](const settings_handle&) { return *ptr; }, doc.c_str());
    });

    cls.def_property_static(
        "command_line", py::cpp_function([](py::handle) { return command_line(); }),
        py::cpp_function(
            [](py::handle, std::vector<std::string> value) { command_line() = std::move(value); }),
        "Command line of the program (the Python package stores sys.argv here)");
    cls.def_property_readonly_static(
        "environment",
        [](py::handle) {
            std::vector<std::string> out;
            settings::instance().for_each([&](const setting_spec& spec, const auto&) {
                const std::string env{spec.env};
                if (const char* v = std::getenv(env.c_str())) out.push_back(env + "=" + v);
            });
            return out;
        },
        "The TIMEMORY_* environment variables that are set, as NAME=value");

    cls.def_static(
        "parse", [] { settings::instance().parse(); },
        "Re-read configuration files and every TIMEMORY_* environment variable "
        "(the environment wins); does nothing while suppress_parsing is set");
    cls.def_static(
        "read",
        [](const std::string& path) {
            if (!settings::instance().read_config_file(path)) {
                throw py::value_error("timemory.settings.read: cannot read '" + path + "'");
            }
        },
        py::arg("path"), "Read a configuration file ('KEY = value' lines or JSON)");
    cls.def_static("dump", &dump, py::arg("filename") = "",
                   "Every setting as a dict {'settings': {'TIMEMORY_X': {...}}}; also written "
                   "to `filename` as JSON when given");
    cls.def_static(
        "get",
        [](py::handle name) { return as_python(settings::instance(), find_spec(name).name); },
        py::arg("name"), "Value of a setting by name ('precision' or 'TIMEMORY_PRECISION')");
    cls.def_static(
        "set", [](py::handle name, py::handle value) { set_by_name(find_spec(name), value); },
        py::arg("name"), py::arg("value"), "Assign a setting by name, with the same checks");
    cls.def_static(
        "names",
        [] {
            std::vector<std::string> out;
            for (const auto& spec : settings::table()) out.emplace_back(spec.name);
            return out;
        },
        "Names of every setting, in table order");
    cls.attr("__module__") = "timemory.libs";
    cls.attr("_sealed") = true;
}

}  // namespace tim::python
