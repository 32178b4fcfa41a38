#include "timemory/core/units.hpp"

#include "timemory/core/log.hpp"
#include "timemory/core/settings.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <mutex>
#include <set>

namespace tim {
namespace {

struct unit_row {
    std::string_view name;     // canonical spelling, printed in reports
    std::string_view aliases;  // other accepted spellings, space separated
    double scale;
};

constexpr std::array<unit_row, 6> timing_rows{{
    {"sec", "s second seconds", 1.0e9},
    {"msec", "ms millisecond milliseconds", 1.0e6},
    {"usec", "us microsecond microseconds", 1.0e3},
    {"nsec", "ns nanosecond nanoseconds", 1.0},
    {"min", "minute minutes", 60.0e9},
    {"hr", "hour hours h", 3600.0e9},
}};

constexpr std::array<unit_row, 9> memory_rows{{
    {"B", "byte bytes", 1.0},
    {"KB", "kilobyte kilobytes", 1.0e3},
    {"MB", "megabyte megabytes", 1.0e6},
    {"GB", "gigabyte gigabytes", 1.0e9},
    {"TB", "terabyte terabytes", 1.0e12},
    {"KiB", "kibibyte kibibytes", 1024.0},
    {"MiB", "mebibyte mebibytes", 1024.0 * 1024.0},
    {"GiB", "gibibyte gibibytes", 1024.0 * 1024.0 * 1024.0},
    {"TiB", "tebibyte tebibytes", 1024.0 * 1024.0 * 1024.0 * 1024.0},
}};

std::string lower(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text)
        out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    return out;
}

std::string trim(std::string_view text) {
    const auto b = text.find_first_not_of(" \t\r\n");
    if (b == std::string_view::npos) return {};
    const auto e = text.find_last_not_of(" \t\r\n");
    return std::string{text.substr(b, e - b + 1)};
}

template <std::size_t N>
std::optional<display_unit> parse_unit(std::string_view text, const std::array<unit_row, N>& rows,
                                       std::size_t default_row) {
    const std::string key = lower(trim(text));
    if (key.empty())
        return display_unit{std::string{rows[default_row].name}, rows[default_row].scale};
    for (const auto& row : rows) {
        if (lower(row.name) == key) return display_unit{std::string{row.name}, row.scale};
        std::string_view aliases = row.aliases;
        while (!aliases.empty()) {
            const auto end = aliases.find(' ');
            if (aliases.substr(0, end) == key)
                return display_unit{std::string{row.name}, row.scale};
            if (end == std::string_view::npos) break;
            aliases.remove_prefix(end + 1);
        }
    }
    return std::nullopt;
}

template <std::size_t N>
std::string valid_choices(const std::array<unit_row, N>& rows) {
    std::string out;
    for (const auto& row : rows) {
        if (!out.empty()) out += ", ";
        out += row.name;
    }
    return out;
}

// One warning per distinct bad value: reports call display_unit_for() for every column of every
// row, and a bad setting must not flood the console. This remembers only what was already said;
// the unit itself is re-derived from the settings on every call.
void warn_once(std::string_view setting, const std::string& value, const std::string& fallback,
               const std::string& choices) {
    static std::mutex mutex;
    static std::set<std::string> warned;
    {
        std::lock_guard<std::mutex> lock{mutex};
        if (!warned.insert(std::string{setting} + '\x1f' + value).second) return;
    }
    log::warning("invalid ", setting, " '", value, "'; valid choices: ", choices,
                 " (case-insensitive); using '", fallback, "'");
}

display_unit timing_unit() {
    const std::string& text = settings::instance().timing_units;
    if (auto unit = parse_timing_unit(text)) return *unit;
    auto fallback = *parse_timing_unit("");
    warn_once("TIMEMORY_TIMING_UNITS", text, fallback.name,
              valid_choices(timing_rows) + " (also s, ms, us, ns, hour)");
    return fallback;
}

display_unit memory_unit() {
    const std::string& text = settings::instance().memory_units;
    if (auto unit = parse_memory_unit(text)) return *unit;
    auto fallback = *parse_memory_unit("");
    warn_once("TIMEMORY_MEMORY_UNITS", text, fallback.name, valid_choices(memory_rows));
    return fallback;
}

}  // namespace

std::optional<display_unit> parse_timing_unit(std::string_view text) {
    return parse_unit(text, timing_rows, 0);
}

std::optional<display_unit> parse_memory_unit(std::string_view text) {
    return parse_unit(text, memory_rows, 2);
}

display_unit display_unit_for(unit_kind kind) {
    switch (kind) {
        case unit_kind::timing:
            return timing_unit();
        case unit_kind::memory:
            return memory_unit();
        case unit_kind::rate: {
            auto unit = memory_unit();
            unit.name += "/sec";
            return unit;
        }
        case unit_kind::percent:
            return {"%", 1.0};
        case unit_kind::count:
            break;
    }
    return {"", 1.0};
}

int display_precision(unit_kind kind, bool integer_values) {
    const auto& s = settings::instance();
    std::int64_t specific = -1;
    if (kind == unit_kind::timing) specific = s.timing_precision;
    if (kind == unit_kind::memory || kind == unit_kind::rate) specific = s.memory_precision;
    if (specific >= 0) return static_cast<int>(std::min<std::int64_t>(specific, 30));
    if (s.precision >= 0) return static_cast<int>(std::min<std::int64_t>(s.precision, 30));
    if (kind == unit_kind::percent) return 1;
    if (kind == unit_kind::count && integer_values) return 0;
    return 3;
}

int display_width(unit_kind kind) {
    const auto& s = settings::instance();
    std::int64_t specific = -1;
    if (kind == unit_kind::timing) specific = s.timing_width;
    if (kind == unit_kind::memory || kind == unit_kind::rate) specific = s.memory_width;
    if (specific > 0) return static_cast<int>(std::min<std::int64_t>(specific, 1000));
    if (s.width > 0) return static_cast<int>(std::min<std::int64_t>(s.width, 1000));
    return 6;
}

bool display_scientific(unit_kind kind) {
    const auto& s = settings::instance();
    if (s.scientific) return true;
    if (kind == unit_kind::timing) return s.timing_scientific;
    if (kind == unit_kind::memory || kind == unit_kind::rate) return s.memory_scientific;
    return false;
}

std::string format_number(double value, unit_kind kind, bool integer_values) {
    const int precision = display_precision(kind, integer_values);
    const bool sci = display_scientific(kind);
    if (!std::isfinite(value)) return std::isnan(value) ? "nan" : (value < 0 ? "-inf" : "inf");
    // Avoid printing "-0.000" for tiny negative rounding noise.
    if (value == 0.0) value = 0.0;
    const char* format = sci ? "%.*e" : "%.*f";
    const int size = std::snprintf(nullptr, 0, format, precision, value);
    std::string out(static_cast<std::size_t>(std::max(size, 0)) + 1, '\0');
    std::snprintf(out.data(), out.size(), format, precision, value);
    out.resize(static_cast<std::size_t>(std::max(size, 0)));
    if (!sci && out.front() == '-' && out.find_first_not_of("-0.") == std::string::npos) {
        out.erase(0, 1);
    }
    return out;
}

}  // namespace tim
