// Display units for reports. Components record raw values (ns, bytes, counts, bytes/sec); every
// report divides by the scale chosen here. The settings are re-read on every call, so changing
// timing_units or memory_units between two outputs changes the next output (timemory cached the
// scale on first use, so later changes only renamed the unit).
//
//     auto u = tim::display_unit_for(tim::unit_kind::timing);   // {"sec", 1e9} by default
//     double shown = raw_ns / u.scale;
#pragma once

#include "timemory/core/component_info.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace tim {

struct display_unit {
    std::string name;    ///< as printed in the UNITS column and unit_repr, e.g. "sec", "MB"
    double scale = 1.0;  ///< raw units per display unit, e.g. 1e9 ns per sec
};

/// Unit used to display values of `kind`, from settings.timing_units / memory_units:
///   timing  "" -> sec; sec|s, msec|ms, usec|us, nsec|ns, min, hour|hr (any case)
///   memory  "" -> MB;  B, KB, MB, GB, TB (powers of 1000), KiB, MiB, GiB, TiB (powers of 1024)
///   rate    memory unit + "/sec"
///   count   "" (scale 1); percent "%" (scale 1)
/// An unrecognised unit prints one warning naming the setting and the valid choices (once per
/// distinct bad value) and the default is used.
display_unit display_unit_for(unit_kind kind);

/// Parse a unit string without consulting settings or warning; nullopt when not recognised.
/// An empty string gives the default unit of the kind.
std::optional<display_unit> parse_timing_unit(std::string_view text);
std::optional<display_unit> parse_memory_unit(std::string_view text);

/// Digits after the decimal point: timing_precision / memory_precision when >= 0, else precision
/// when >= 0, else 3 (percent: 1; count components with integer values: 0).
int display_precision(unit_kind kind, bool integer_values = false);

/// Minimum width of a value column: timing_width / memory_width when > 0, else width when > 0,
/// else 6 (the width of the widest header word, as in timemory's tables).
int display_width(unit_kind kind);

/// Scientific notation: settings.scientific, or timing_scientific / memory_scientific.
bool display_scientific(unit_kind kind);

/// Format `value` (already in display units) with the precision and notation for `kind`.
std::string format_number(double value, unit_kind kind, bool integer_values = false);

}  // namespace tim
