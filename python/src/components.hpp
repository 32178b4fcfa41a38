// Shared by components.cpp, storage.cpp and top_level.cpp: the C++ state behind every
// `timemory.component.<Class>` object, name resolution for component arguments, and value
// formatting in display units.
#pragma once

#include "bindings.hpp"

#include "timemory/core/component_info.hpp"
#include "timemory/core/graph.hpp"
#include "timemory/core/label.hpp"
#include "timemory/core/statistics.hpp"

#include <array>
#include <string>
#include <vector>

namespace tim::python {

/// One stand-alone component: a stopwatch over the component's sample() that keeps its own laps.
/// Between push() and pop() the stops also go to the call-graph node of its label: pop() records
/// what was measured since push() as one entry (timemory's semantics: a push/pop pair is one lap
/// of the node, whatever the number of start/stop pairs inside it).
struct component_object {
    const component_info* info = nullptr;
    bool available = false;
    std::string label;
    hash_value hash = 0;
    std::array<double, max_component_raw> start_raw{};
    bool running = false;
    std::vector<accumulator> accum;  ///< per value, raw units; accum[0].count = laps
    std::vector<double> last;        ///< values of the last lap, raw units
    // push()/pop(): the node and graph the measurements go to.
    thread_graph* graph = nullptr;
    std::uint32_t node = no_node;
    bool pushed = false;
    bool pending = false;                ///< a stop happened since push()
    std::vector<double> pending_values;  ///< sum of the stops since push(), raw units

    component_object() = default;
    component_object(const component_object&) = delete;
    component_object& operator=(const component_object&) = delete;
    ~component_object();

    void reset();
    void start();
    void stop();
    void push();
    void pop();
    std::uint64_t laps() const noexcept { return accum.empty() ? 0 : accum[0].count; }
};

/// The component a Python argument names: an id or alias string, a `component.id` value, an
/// int index, a component class or instance. Throws py::value_error listing the valid ids.
const component_info& resolve_component(py::handle obj);
/// Every item of a list (or a single item / comma-separated string) resolved.
std::vector<const component_info*> resolve_components(py::handle objs);

/// A new `timemory.component.<Class>` instance carrying the given accumulated values (used for
/// storage records' data()).
py::object make_component(const component_info& info, const std::string& label,
                          const std::vector<accumulator>& accum);

/// `timemory.component.id` value for a registry index.
py::object component_enum(std::uint16_t index);

/// Value `v` of accumulated data in display units: the total, or the mean for percentages and
/// rates (adding up utilisations or throughputs over laps means nothing).
double display_value(const component_info& info, unsigned v, const accumulator& acc);
/// Raw units per display unit of value `v` (re-read from the settings on every call).
double display_scale(const component_info& info, unsigned v);
/// Display unit name of value `v` ("sec", "MB", "%", "").
std::string display_unit_name(const component_info& info, unsigned v);
/// "   2.002 sec wall" (one "<value> <unit> <label>" group per value, comma separated).
std::string format_values(const component_info& info, const std::vector<accumulator>& accum);

}  // namespace tim::python
