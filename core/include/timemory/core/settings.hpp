// timemory settings: one typed member per row of settings_table.def, read from TIMEMORY_*
// environment variables and configuration files, reachable by name for Python and tools.
//
//     auto& s = tim::settings::instance();   // created and parsed on first use
//     s.precision = 3;                        // typed access ...
//     s.changed();                            // ... then tell hot paths something moved
//     s.set_text("TIMEMORY_OUTPUT_PATH", "results");   // by-name access, parsed per type
//     if (tim::is_enabled()) { ... }          // one relaxed atomic load
//
// Sources, lowest to highest priority: the table defaults, configuration files
// (TIMEMORY_CONFIG_FILE, or ~/.timemory.cfg and friends when it is empty), TIMEMORY_* variables,
// then whatever code assigns. parse() re-reads files and environment; it is also run once when the
// library is loaded, so TIMEMORY_ENABLED=OFF holds from the first marker on.
//
// Threading: configure before worker threads start measuring. Hot paths read only the atomics
// below (is_enabled(), settings_generation()); the members themselves are plain data.
#pragma once

#include "timemory/core/macros.hpp"

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace tim {

/// The value kind of a setting, as seen by parsers, printers and language bindings.
enum class setting_type { boolean, integer, floating, string };

/// "bool", "int64_t", "double" or "string".
constexpr std::string_view to_string(setting_type type) noexcept {
    switch (type) {
        case setting_type::boolean:
            return "bool";
        case setting_type::integer:
            return "int64_t";
        case setting_type::floating:
            return "double";
        case setting_type::string:
            return "string";
    }
    return "unknown";
}

/// One row of settings_table.def. All views point at static storage.
struct setting_spec {
    std::string_view name;          ///< member / Python name, e.g. "output_path"
    std::string_view env;           ///< environment variable, e.g. "TIMEMORY_OUTPUT_PATH"
    setting_type type;              ///< value kind
    std::string_view default_text;  ///< default as written in the table, e.g. "timemory-output"
    std::string_view description;   ///< one-line help text
    /// Why this build does not act on the setting (a TIMEMORY_SETTING_UNSUPPORTED row, e.g.
    /// "this build has no MPI support"); empty for a setting that works.
    std::string_view unsupported = {};

    bool supported() const noexcept { return unsupported.empty(); }
};

namespace detail {

/// Mirror of settings::instance().enabled; read through is_enabled().
/// Defined once in the library (not `inline`) so every DSO shares it, even modules built with
/// -fvisibility=hidden.
TIMEMORY_VISIBLE extern std::atomic<bool> enabled_flag;
/// Bumped whenever settings::instance() changes through parse/set_text/read_config_file/changed.
TIMEMORY_VISIBLE extern std::atomic<std::uint32_t> settings_generation;

template <typename T>
constexpr setting_type setting_type_of() noexcept {
    if constexpr (std::is_same_v<T, bool>)
        return setting_type::boolean;
    else if constexpr (std::is_same_v<T, std::int64_t>)
        return setting_type::integer;
    else if constexpr (std::is_same_v<T, double>)
        return setting_type::floating;
    else {
        static_assert(std::is_same_v<T, std::string>,
                      "settings_table.def types are bool, int64_t, double or std::string");
        return setting_type::string;
    }
}

}  // namespace detail

/// Run-time switch for all measurement: one relaxed atomic load.
inline bool is_enabled() noexcept {
    return detail::enabled_flag.load(std::memory_order_relaxed);
}

/// Counter that changes whenever the process-wide settings change. Cache a derived value together
/// with the generation it was computed at; recompute when they differ.
inline std::atomic<std::uint32_t>& settings_generation() noexcept {
    return detail::settings_generation;
}

class TIMEMORY_VISIBLE settings {
  public:
    // One public member per table row, initialised to the row's default.
#define TIMEMORY_SETTING(TYPE, NAME, ENV, DEFAULT, DESC) TYPE NAME = DEFAULT;
#include "timemory/core/settings_table.def"
#undef TIMEMORY_SETTING

    /// The process-wide settings. Created (and parse()d) on first use and deliberately never
    /// destroyed, so code running during static destruction can still read it.
    static settings& instance();

    /// Every row of the table, in registration order.
    static std::span<const setting_spec> table();

    /// Re-read configuration files, then every TIMEMORY_<NAME> variable (the environment wins).
    /// Does nothing while `suppress_parsing` is set. Files are skipped when `suppress_config` is
    /// set (after TIMEMORY_SUPPRESS_CONFIG is applied). A bad value prints one warning naming the
    /// variable, the value and what was expected, and the setting keeps its previous value; a
    /// TIMEMORY_* variable that names no setting is warned with its close matches. Each such
    /// warning is printed once per process (parse() runs at load and again in init). Never throws.
    void parse();

    /// Read `KEY = value` lines (KEY: setting name, any case, or its TIMEMORY_ variable; `#`
    /// starts a comment) or, for a file ending in .json or starting with '{', a JSON object
    /// ({"KEY": value}, or the to_json() shape). Unknown keys and bad values print one warning
    /// each with file and line. Returns false only if the file cannot be opened or read.
    bool read_config_file(const std::string& path);

    /// The row for `name` ("precision", "PRECISION" or "TIMEMORY_PRECISION"), or nullptr.
    const setting_spec* find(std::string_view name) const;

    /// Current value as text (bools as "true"/"false"). Throws std::invalid_argument naming close
    /// matches when `name` is unknown.
    std::string get_text(std::string_view name) const;

    /// Parse `value` per the setting's type and assign it. On an unknown name or a bad value,
    /// returns false, leaves the setting unchanged and writes the reason to `*error` if given. A
    /// value above an integer setting's range (precision 100) is clamped to it: returns true and
    /// writes the warning to `*error`.
    bool set_text(std::string_view name, std::string_view value, std::string* error = nullptr);

    /// Call after assigning members directly: bumps settings_generation() and refreshes
    /// is_enabled(). Only changes to instance() are published; on a copy this does nothing.
    /// Every path that changes instance() ends here (parse, read_config_file, set_text, Python's
    /// properties), so this is also where a setting this build does not support, given a value
    /// other than its default, is warned (once per setting and process).
    void changed();

    /// {"settings": {"TIMEMORY_X": {"name", "environ", "description", "data_type", "initial",
    /// "value"}, ...}} with native JSON values, in table order.
    std::string to_json() const;

    /// Call `f(const setting_spec&, member&)` for every row, in table order. The member's static
    /// type is the row's type, so a generic lambda can bind typed properties.
    template <typename F>
    void for_each(F&& f) {
        const auto specs = table();
        std::size_t i = 0;
#define TIMEMORY_SETTING(TYPE, NAME, ENV, DEFAULT, DESC) f(specs[i++], NAME);
#include "timemory/core/settings_table.def"
#undef TIMEMORY_SETTING
    }

    template <typename F>
    void for_each(F&& f) const {
        const auto specs = table();
        std::size_t i = 0;
#define TIMEMORY_SETTING(TYPE, NAME, ENV, DEFAULT, DESC) f(specs[i++], NAME);
#include "timemory/core/settings_table.def"
#undef TIMEMORY_SETTING
    }

    /// Parse `text` as a boolean: an integer is true unless it is 0; on/true/yes/y/t and
    /// off/false/no/n/f in any case; surrounding blanks ignored. Returns false on anything else.
    static bool parse_bool(std::string_view text, bool& out) noexcept;

    /// Split a list-valued setting ("a, b;c d" -> {"a", "b", "c", "d"}): separators are commas,
    /// semicolons and whitespace; quotes are dropped (papi_events, cupti_metrics).
    static std::vector<std::string> split_list(std::string_view text);

    /// The names of such a list as one text, "a, b, c" (for messages; split_list reads it back).
    static std::string join_list(const std::vector<std::string>& names);

  private:
    bool is_instance() const noexcept;
    void publish();
    bool read_config_impl(const std::string& path, bool quiet_if_missing);
    bool apply_env(const setting_spec& spec, bool quiet);
    bool assign(const setting_spec& spec, std::string_view value, std::string* error);
    void read_json_config(const std::string& text, const std::string& path);
};

}  // namespace tim
