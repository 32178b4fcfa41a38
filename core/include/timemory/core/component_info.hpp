// The run-time description of one component kind: its ids, output label, units and the two
// functions that take a measurement. Every component (host, GPU, PAPI, user-defined) is one of
// these in the registry; compile-time bundles call the same functions inline.
#pragma once

#include "timemory/core/slots.hpp"

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tim {

/// What a component's raw values measure; decides the base unit and the display scaling.
enum class unit_kind : std::uint8_t {
    timing,   ///< raw nanoseconds, displayed in settings.timing_units (default sec)
    memory,   ///< raw bytes, displayed in settings.memory_units (default MB = 1e6 bytes)
    count,    ///< dimensionless count
    percent,  ///< already a percentage
    rate,     ///< raw bytes per second, displayed as memory_units/sec
};

/// Largest number of values one component may produce per measurement.
inline constexpr unsigned max_component_values = 32;
/// Largest number of raw samples one component may read at start or stop.
inline constexpr unsigned max_component_raw = 32;
/// Size of the component index space (ranges in timemory/core/slots.hpp).
inline constexpr unsigned max_components = slots::count;

using sample_fn = void (*)(double* raw) noexcept;
using measure_fn = void (*)(const double* start, const double* stop, double* values) noexcept;
using availability_fn = std::string (*)();
/// Hands the two samples of a component whose value is only known later (a GPU timer resolved
/// after the device gets there) to the component, with the node to attach the value to once it
/// is known (tim::attach_record). Called instead of measure+record. `node` is UINT64_MAX
/// (no_node_id) when the region is not recorded (beyond max_depth): release what the samples
/// hold and attach nothing.
using finish_fn = void (*)(const double* start, const double* stop, std::uint64_t node) noexcept;

/// Describes one value of a multi-valued component (e.g. current_peak_rss: start and stop).
struct value_info {
    std::string_view label;
    std::string_view description;
    unit_kind units = unit_kind::count;
};

struct component_info {
    std::uint16_t index = 0;                ///< slot in the registry (stable for built-ins)
    std::string_view id;                    ///< primary id, e.g. "wall_clock"
    std::vector<std::string_view> aliases;  ///< other accepted ids, e.g. "real_clock"
    std::string_view label;                 ///< output label / file stem, e.g. "wall"
    std::string_view description;           ///< banner of the text table
    std::string_view class_name;            ///< Python class name, e.g. "WallClock"
    unit_kind units = unit_kind::count;     ///< units of single-valued components
    std::vector<value_info> values;         ///< per-value labels when more than one value
    unsigned raw_count = 1;                 ///< doubles written by sample()
    unsigned value_count = 1;               ///< doubles written by measure()
    sample_fn sample = nullptr;             ///< reads the current absolute counters
    measure_fn measure = nullptr;           ///< nullptr: values[i] = stop[i] - start[i]
    availability_fn unavailable = nullptr;  ///< nullptr or returns "" when usable here
    finish_fn finish = nullptr;             ///< set: values arrive later, see finish_fn
    /// Values are attached to child rows (each kernel under the region that launched it); a row's
    /// value is the total of its subtree, so every enclosing region shows its device time.
    bool subtree_totals = false;
    bool thread_scope_only = false;  ///< value only meaningful for the calling thread
    bool integer_values = false;     ///< raw values are integral (counts, ns)

    /// Number of values and their labels/units, whether single- or multi-valued.
    unsigned size() const noexcept { return value_count; }
    std::string_view value_label(unsigned i) const noexcept {
        return values.empty() ? label : values[i].label;
    }
    unit_kind value_units(unsigned i) const noexcept {
        return values.empty() ? units : values[i].units;
    }

    /// Take a measurement from two samples into `out` (value_count doubles).
    void compute(const double* start, const double* stop, double* out) const noexcept {
        if (measure) {
            measure(start, stop, out);
        } else {
            for (unsigned i = 0; i < value_count; ++i) out[i] = stop[i] - start[i];
        }
    }
};

/// The descriptive part of a single-valued entry (ids, label, units, description); whoever
/// registers it adds the slot, the sizes and the functions.
inline component_info describe_component(std::string_view id, std::vector<std::string_view> aliases,
                                         std::string_view label, std::string_view class_name,
                                         unit_kind units, bool integer_values,
                                         std::string_view description) {
    component_info info;
    info.id = id;
    info.aliases = std::move(aliases);
    info.label = label;
    info.class_name = class_name;
    info.units = units;
    info.integer_values = integer_values;
    info.description = description;
    return info;
}

}  // namespace tim
