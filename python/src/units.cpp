// Submodule `units`: the raw units timemory measures in, as numbers to divide by.
//
//     elapsed_ms = WallClock.get_raw(...) / timemory.units.msec
//
// Times are nanoseconds (nsec = 1) and memory is bytes (byte = 1), the raw units of every
// component. Decimal (kilobyte = 1000) and binary (kibibyte = 1024) memory units are both given.
#include "bindings.hpp"

#include <cstdint>

namespace tim::python {

void init_units(py::module_& root) {
    auto m = root.def_submodule("units",
                                "Raw units: times in nanoseconds (nsec = 1), memory in bytes "
                                "(byte = 1); divide a raw value by a unit to convert it");
    constexpr std::int64_t nsec = 1;
    m.attr("nsec") = nsec;
    constexpr std::int64_t sec = nsec * 1000000000;
    m.attr("usec") = nsec * 1000;
    m.attr("msec") = nsec * 1000000;
    m.attr("csec") = sec / 100;
    m.attr("dsec") = sec / 10;
    m.attr("sec") = sec;
    m.attr("min") = sec * 60;
    m.attr("hr") = sec * 3600;

    std::int64_t decimal = 1;
    std::int64_t binary = 1;
    m.attr("byte") = decimal;
    const char* decimal_names[] = {"kilobyte", "megabyte", "gigabyte", "terabyte", "petabyte"};
    const char* binary_names[] = {"kibibyte", "mebibyte", "gibibyte", "tebibyte", "pebibyte"};
    const char* decimal_short[] = {"KB", "MB", "GB", "TB", "PB"};
    const char* binary_short[] = {"KiB", "MiB", "GiB", "TiB", "PiB"};
    for (int i = 0; i < 5; ++i) {
        decimal *= 1000;
        binary *= 1024;
        m.attr(decimal_names[i]) = decimal;
        m.attr(binary_names[i]) = binary;
        m.attr(decimal_short[i]) = decimal;
        m.attr(binary_short[i]) = binary;
    }
    m.attr("B") = std::int64_t{1};
    m.attr("kB") = std::int64_t{1000};
}

}  // namespace tim::python
