// Helpers shared by region.cpp (the `region` submodule, marker sites, component_decorator) and
// region_classes.cpp (timer, auto_timer, rss_usage, component_bundle, manager).
#pragma once

#include "bindings.hpp"

#include "timemory/core/component_info.hpp"
#include "timemory/core/graph.hpp"

#include <string>
#include <vector>

namespace tim::python::region_detail {

/// Components from Python: a string ("wall_clock" or "wall_clock,cpu_clock"), an enum value with
/// a `name` (timemory.component.id), an integer index, or a list/tuple/set of those (nested lists
/// and callables returning lists are expanded). Duplicates are dropped, order is kept. An unknown
/// name raises ValueError listing every valid id (tim::unknown_component).
std::vector<const component_info*> to_components(py::handle obj);

/// None / "" / "default" -> use_default; "tree", "flat", "timeline"; also the timemory.scope
/// objects (TREE/FLAT/TIMELINE, matched by their type name). Anything else raises ValueError.
scope_mode to_scope(py::handle obj);

/// scope_mode from marker-style booleans: timeline wins over flat, neither = use_default.
scope_mode to_scope(bool flat, bool timeline);

/// "func@file.py:LINE" of the Python code that called into C++ (basename of the file), or
/// "python" when no Python frame is running.
std::string caller_label();

/// Comma-separated ids, e.g. "wall_clock,cpu_clock" (what tim::region::set_default takes).
std::string join_ids(const std::vector<const component_info*>& components);

/// Like to_components(), but an empty result means the region defaults
/// (tim::region::default_components(): settings.components, global_components, else wall_clock).
std::vector<const component_info*> to_components_or_default(py::handle obj);

/// "1.002 sec wall, 0.998 sec cpu, 99.6 % cpu_util, 0.000 MB peak_rss" for one value per
/// component value (display units from the settings).
std::string format_values(const std::vector<const component_info*>& components,
                          const double* values);

/// {"wall_clock": value, ...} in display units (raw=false) or raw units; multi-valued
/// components give a list.
py::dict values_dict(const std::vector<const component_info*>& components, const double* values,
                     bool raw);

/// timer, auto_timer (+ timer_decorator), rss_usage, component_bundle, manager on `m`.
void init_classes(py::module_& m);

}  // namespace tim::python::region_detail
