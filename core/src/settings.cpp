#include "timemory/core/settings.hpp"

#include "timemory/core/close_matches.hpp"
#include "timemory/core/log.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <type_traits>
#include <vector>

extern char** environ;

namespace tim {

std::atomic<bool> detail::enabled_flag{true};
std::atomic<std::uint32_t> detail::settings_generation{0};

namespace {

// ---- the table ---------------------------------------------------------------------------------

/// A string row's default is the literal itself; any other row's is its spelling in the table.
template <typename T, typename V>
constexpr std::string_view default_text_of(V value, std::string_view spelling) {
    if constexpr (std::is_same_v<T, std::string>) {
        return std::string_view{value};
    } else {
        (void)value;
        return spelling;
    }
}

constexpr setting_spec k_table[] = {
#define TIMEMORY_SETTING(TYPE, NAME, ENV, DEFAULT, DESC)      \
    setting_spec{#NAME, ENV, detail::setting_type_of<TYPE>(), \
                 default_text_of<TYPE>(DEFAULT, #DEFAULT), DESC},
#define TIMEMORY_SETTING_UNSUPPORTED(TYPE, NAME, ENV, DEFAULT, WHY, DESC)                      \
    setting_spec{                                                                              \
        #NAME, ENV, detail::setting_type_of<TYPE>(), default_text_of<TYPE>(DEFAULT, #DEFAULT), \
        DESC,  WHY},
#include "timemory/core/settings_table.def"
#undef TIMEMORY_SETTING_UNSUPPORTED
#undef TIMEMORY_SETTING
};

std::atomic<settings*> g_instance{nullptr};

// ---- text helpers ------------------------------------------------------------------------------

constexpr char lower(char c) noexcept {
    return (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c;
}

bool iequal(std::string_view lhs, std::string_view rhs) noexcept {
    if (lhs.size() != rhs.size()) return false;
    for (std::size_t i = 0; i < lhs.size(); ++i)
        if (lower(lhs[i]) != lower(rhs[i])) return false;
    return true;
}

bool istarts_with(std::string_view text, std::string_view prefix) noexcept {
    return text.size() >= prefix.size() && iequal(text.substr(0, prefix.size()), prefix);
}

constexpr bool is_blank(char c) noexcept {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

std::string_view trim(std::string_view text) noexcept {
    while (!text.empty() && is_blank(text.front())) text.remove_prefix(1);
    while (!text.empty() && is_blank(text.back())) text.remove_suffix(1);
    return text;
}

/// Strips one pair of matching surrounding quotes, if present.
std::string_view unquote(std::string_view text) noexcept {
    if (text.size() >= 2 && (text.front() == '"' || text.front() == '\'') &&
        text.back() == text.front())
        return text.substr(1, text.size() - 2);
    return text;
}

constexpr std::string_view k_env_prefix = "TIMEMORY_";

// Through tim::log, so that settings warnings count with every other kind (repeats bounded).
void warn(const std::string& message) {
    log::write("warning", message);
}

// parse() runs when the library loads and again in init(): what it finds wrong in the
// environment and the configuration files is said the first time only.
void warn_once(const std::string& message) {
    if (log::first_time(message)) warn(message);
}

// True while this thread runs parse(): config-file problems are then said once per process, as
// parse() reads the same files at load and in init; read_config_file() always says them.
thread_local bool t_parsing = false;

void warn_config(const std::string& message) {
    if (t_parsing)
        warn_once(message);
    else
        warn(message);
}

void note(const std::string& message) {
    const std::string line = "[timemory] " + message + "\n";
    std::fputs(line.c_str(), stderr);
}

// ---- typed parsing and printing ----------------------------------------------------------------

bool parse_value(std::string_view text, bool& out) {
    return settings::parse_bool(text, out);
}

bool parse_value(std::string_view text, int64_t& out) {
    text = trim(text);
    if (text.size() > 1 && text.front() == '+') text.remove_prefix(1);
    int64_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc{} || end != text.data() + text.size()) return false;
    out = value;
    return true;
}

[[maybe_unused]] bool parse_value(std::string_view text, double& out) {
    text = trim(text);
    if (text.size() > 1 && text.front() == '+') text.remove_prefix(1);
    double value = 0.0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc{} || end != text.data() + text.size()) return false;
    out = value;
    return true;
}

bool parse_value(std::string_view text, std::string& out) {
    out.assign(text);
    return true;
}

std::string to_text(bool value) {
    return value ? "true" : "false";
}
std::string to_text(int64_t value) {
    return std::to_string(value);
}
std::string to_text(const std::string& value) {
    return value;
}
[[maybe_unused]] std::string to_text(double value) {
    std::array<char, 64> buf{};
    const auto res = std::to_chars(buf.data(), buf.data() + buf.size(), value);
    return std::string(buf.data(), res.ptr);
}

// Integer settings with a valid range; every other integer takes any value. A value below `min`
// is refused (it would switch the setting's purpose off: max_depth -1 records nothing); a value
// above `max` is clamped to it, with a warning either way.
struct integer_range {
    std::string_view name;
    int64_t min;
    int64_t max;
    std::string_view meaning;  ///< what the valid values mean, for the warning
};
constexpr int64_t k_no_max = std::numeric_limits<int64_t>::max();
constexpr integer_range k_integer_ranges[] = {
    {"max_depth", 0, k_no_max, "levels of nesting recorded, 0 records none"},
    {"timeline_limit", 0, k_no_max, "timeline entries kept per thread, 0 keeps every call"},
    // printf cannot print more than about 30 useful digits of a double
    {"precision", -1, 30, "digits after the decimal point, -1 lets each component choose"},
    {"timing_precision", -1, 30, "digits after the decimal point, -1 falls back to PRECISION"},
    {"memory_precision", -1, 30, "digits after the decimal point, -1 falls back to PRECISION"},
    {"width", -1, 1000, "minimum column width, -1 lets each component choose"},
    {"timing_width", -1, 1000, "column width, -1 falls back to WIDTH"},
    {"memory_width", -1, 1000, "column width, -1 falls back to WIDTH"},
};

const integer_range* range_of(const setting_spec& spec) {
    for (const auto& range : k_integer_ranges)
        if (range.name == spec.name) return &range;
    return nullptr;
}

std::string range_text(const integer_range& range) {
    const std::string upper =
        range.max == k_no_max ? " or more" : " to " + std::to_string(range.max);
    return "is outside the valid range (" + std::to_string(range.min) + upper + ": " +
           std::string(range.meaning) + ")";
}

std::string_view expected_kind(setting_type type) noexcept {
    switch (type) {
        case setting_type::boolean:
            return "a boolean (on/off, true/false, yes/no, 1/0)";
        case setting_type::integer:
            return "an integer such as 4 or -1";
        case setting_type::floating:
            return "a number such as 0.5 or 1e-3";
        case setting_type::string:
            return "text";
    }
    return "a value";
}

std::vector<std::string> env_names() {
    std::vector<std::string> names;
    for (const setting_spec& spec : k_table) names.emplace_back(spec.env);
    return names;
}

std::string unknown_setting_message(std::string_view name) {
    std::vector<std::string> candidates;
    const bool env_style = istarts_with(name, k_env_prefix);
    for (const setting_spec& spec : k_table)
        candidates.emplace_back(env_style ? spec.env : spec.name);
    return "unknown setting '" + std::string(name) + "'" +
           did_you_mean(close_matches(name, candidates));
}

// TIMEMORY_* variables read outside the settings table: by the plugin loader, the PAPI loader,
// the Python package and the test suites. They are not misspelt settings.
constexpr std::string_view k_known_variables[] = {
    "TIMEMORY_GPU_PLUGIN",       "TIMEMORY_PAPI_LIBRARY",  "TIMEMORY_LIBRARY_CTOR",
    "TIMEMORY_LIBRARY_DTOR",     "TIMEMORY_SKIP_FINALIZE", "TIMEMORY_MPIP_PERMIT_LIST",
    "TIMEMORY_MPIP_REJECT_LIST", "TIMEMORY_NVTX_TEST_LOG", "TIMEMORY_GPU_CHECK_CMAKE_ARGS",
    "TIMEMORY_MPI_PLUGIN",
};
constexpr std::string_view k_known_prefixes[] = {"TIMEMORY_TEST_"};

bool is_known_variable(std::string_view name) {
    for (std::string_view known : k_known_variables)
        if (name == known) return true;
    for (std::string_view prefix : k_known_prefixes)
        if (name.substr(0, prefix.size()) == prefix) return true;
    return false;
}

std::vector<std::string> default_config_files() {
    const char* home = std::getenv("HOME");
    if (home == nullptr || *home == '\0') return {};
    const std::string h = home;
    return {h + "/.timemory.cfg", h + "/.timemory.json", h + "/.config/timemory.cfg",
            h + "/.config/timemory.json"};
}

bool looks_like_json(const std::string& path, const std::string& text) {
    if (path.size() >= 5 && iequal(std::string_view(path).substr(path.size() - 5), ".json"))
        return true;
    const std::string_view body = trim(text);
    return !body.empty() && body.front() == '{';
}

/// JSON value -> setting text. Objects of the to_json() shape contribute their "value"; arrays
/// are joined with commas (component lists). Returns false for values that carry no setting.
bool json_to_text(const nlohmann::json& value, std::string& out) {
    switch (value.type()) {
        case nlohmann::json::value_t::boolean:
            out = value.get<bool>() ? "true" : "false";
            break;
        case nlohmann::json::value_t::number_integer:
        case nlohmann::json::value_t::number_unsigned:
        case nlohmann::json::value_t::number_float:
            out = value.dump();
            break;
        case nlohmann::json::value_t::string:
            out = value.get<std::string>();
            break;
        case nlohmann::json::value_t::object:
            return value.contains("value") && json_to_text(value.at("value"), out);
        case nlohmann::json::value_t::array: {
            out.clear();
            for (const auto& item : value) {
                std::string piece;
                if (!json_to_text(item, piece)) return false;
                if (!out.empty()) out += ',';
                out += piece;
            }
            break;
        }
        default:
            return false;
    }
    return true;
}

}  // namespace

// ---- settings ----------------------------------------------------------------------------------

settings& settings::instance() {
    static settings* const ptr = [] {
        auto* created = new settings{};  // never deleted: safe to read during static destruction
        g_instance.store(created, std::memory_order_release);
        created->parse();
        return created;
    }();
    return *ptr;
}

std::span<const setting_spec> settings::table() {
    return {k_table, std::size(k_table)};
}

bool settings::is_instance() const noexcept {
    return this == g_instance.load(std::memory_order_acquire);
}

namespace {
// Values as text, in table order (for comparing two sets of settings row by row).
std::vector<std::string> texts_of(const settings& s) {
    std::vector<std::string> out;
    out.reserve(std::size(k_table));
    s.for_each([&](const setting_spec&, const auto& member) { out.push_back(to_text(member)); });
    return out;
}

// A setting this build does not act on, given a value: said once, whichever way it was set.
void warn_unsupported(const settings& s) {
    static const std::vector<std::string> defaults = texts_of(settings{});
    const std::vector<std::string> current = texts_of(s);
    for (std::size_t i = 0; i < std::size(k_table); ++i) {
        const setting_spec& spec = k_table[i];
        if (spec.supported() || current[i] == defaults[i]) continue;
        const std::string message = std::string(spec.env) + " (settings." + std::string(spec.name) +
                                    ") is not supported by this build (" +
                                    std::string(spec.unsupported) + "); its value \"" + current[i] +
                                    "\" has no effect";
        if (log::first_time("unsupported setting " + std::string(spec.name))) warn(message);
    }
}
}  // namespace

void settings::publish() {
    if (!is_instance()) return;
    detail::enabled_flag.store(enabled, std::memory_order_relaxed);
    detail::settings_generation.fetch_add(1, std::memory_order_release);
    warn_unsupported(*this);
}

void settings::changed() {
    publish();
}

std::vector<std::string> settings::split_list(std::string_view text) {
    std::vector<std::string> out;
    std::string current;
    for (char c : text) {
        if (c == ',' || c == ';' || c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            if (!current.empty()) out.push_back(std::move(current));
            current.clear();
        } else if (c != '"' && c != '\'') {
            current.push_back(c);
        }
    }
    if (!current.empty()) out.push_back(std::move(current));
    return out;
}

std::string settings::join_list(const std::vector<std::string>& names) {
    std::string out;
    for (const auto& name : names) out += (out.empty() ? "" : ", ") + name;
    return out;
}

bool settings::parse_bool(std::string_view text, bool& out) noexcept {
    text = trim(text);
    if (text.empty()) return false;
    // Any integer: 0 is false, everything else true.
    std::string_view digits = text;
    if (digits.size() > 1 && (digits.front() == '-' || digits.front() == '+'))
        digits.remove_prefix(1);
    bool all_digits = true;
    for (char c : digits) all_digits = all_digits && c >= '0' && c <= '9';
    if (all_digits) {
        out = digits.find_first_not_of('0') != std::string_view::npos;
        return true;
    }
    for (std::string_view yes : {"on", "true", "yes", "y", "t"}) {
        if (iequal(text, yes)) {
            out = true;
            return true;
        }
    }
    for (std::string_view no : {"off", "false", "no", "n", "f"}) {
        if (iequal(text, no)) {
            out = false;
            return true;
        }
    }
    return false;
}

const setting_spec* settings::find(std::string_view name) const {
    name = trim(name);
    for (const setting_spec& spec : k_table)
        if (iequal(name, spec.name) || iequal(name, spec.env)) return &spec;
    // "TIMEMORY_<NAME>" also works where the variable is spelled differently
    // (TIMEMORY_SEPARATOR_FREQUENCY finds separator_frequency).
    if (istarts_with(name, k_env_prefix)) {
        const std::string_view rest = name.substr(k_env_prefix.size());
        for (const setting_spec& spec : k_table)
            if (iequal(rest, spec.name)) return &spec;
    }
    return nullptr;
}

std::string settings::get_text(std::string_view name) const {
    const setting_spec* target = find(name);
    if (target == nullptr) throw std::invalid_argument(unknown_setting_message(name));
    std::string out;
    for_each([&](const setting_spec& spec, const auto& member) {
        if (&spec == target) out = to_text(member);
    });
    return out;
}

bool settings::assign(const setting_spec& target, std::string_view value, std::string* error) {
    bool ok = true;
    for_each([&](const setting_spec& spec, auto& member) {
        if (&spec != &target) return;
        using value_type = std::remove_cvref_t<decltype(member)>;
        value_type parsed{};
        std::string problem;
        if (!parse_value(value, parsed)) {
            problem = "is not " + std::string(expected_kind(spec.type));
        } else if constexpr (std::is_same_v<value_type, int64_t>) {
            const integer_range* range = range_of(spec);
            if (range != nullptr && parsed > range->max) {
                member = range->max;
                if (error != nullptr)
                    *error = std::string(spec.env) + "=\"" + std::string(value) + "\" " +
                             range_text(*range) + "; using " + to_text(member);
                return;
            }
            if (range != nullptr && parsed < range->min) problem = range_text(*range);
        }
        if (problem.empty()) {
            member = std::move(parsed);
            return;
        }
        ok = false;
        if (error != nullptr)
            *error = std::string(spec.env) + "=\"" + std::string(value) + "\" " + problem +
                     "; keeping " + to_text(member);
    });
    return ok;
}

bool settings::set_text(std::string_view name, std::string_view value, std::string* error) {
    const setting_spec* spec = find(name);
    if (spec == nullptr) {
        if (error != nullptr) *error = unknown_setting_message(name);
        return false;
    }
    if (!assign(*spec, value, error)) return false;
    publish();
    return true;
}

bool settings::apply_env(const setting_spec& spec, bool quiet) {
    const char* raw = std::getenv(std::string(spec.env).c_str());
    if (raw == nullptr) return false;
    // An empty variable means "not set" for everything but text settings, which it clears.
    if (spec.type != setting_type::string && trim(raw).empty()) return false;
    std::string error;
    const bool ok = assign(spec, raw, &error);
    if (!error.empty() && !quiet) warn_once(error);  // refused, or clamped into its range
    if (!ok) return false;
    if (debug && !quiet) note("settings: " + std::string(spec.env) + "=\"" + raw + "\"");
    return true;
}

namespace {
// A TIMEMORY_* variable that names no setting: a typo that would otherwise do nothing unseen.
void warn_unknown_variables(const settings& s) {
    for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
        const std::string_view entry{*e};
        const std::string_view name = entry.substr(0, entry.find('='));
        if (name.substr(0, k_env_prefix.size()) != k_env_prefix) continue;
        if (s.find(name) != nullptr || is_known_variable(name)) continue;
        warn_once("environment variable " + std::string(name) + " names no setting and is ignored" +
                  did_you_mean(close_matches(name, env_names())));
    }
}
}  // namespace

void settings::parse() {
    if (suppress_parsing) return;
    struct parsing_scope {
        bool outer = t_parsing;
        parsing_scope() { t_parsing = true; }
        ~parsing_scope() { t_parsing = outer; }
    } scope;
    try {
        // The three settings that steer parsing come first, straight from the environment.
        const setting_spec* meta[] = {find("suppress_parsing"), find("suppress_config"),
                                      find("config_file")};
        for (const setting_spec* spec : meta) apply_env(*spec, false);

        if (!suppress_parsing && !suppress_config) {
            if (config_file.empty()) {
                for (const std::string& path : default_config_files())
                    read_config_impl(path, /*quiet_if_missing=*/true);
            } else {
                const std::string list = config_file;  // a file may reassign config_file
                std::string_view rest = list;
                while (!rest.empty()) {
                    const std::size_t cut = rest.find(';');
                    const std::string_view path = trim(rest.substr(0, cut));
                    rest =
                        cut == std::string_view::npos ? std::string_view{} : rest.substr(cut + 1);
                    if (!path.empty()) read_config_impl(std::string(path), false);
                }
            }
        }

        // Environment last, so it wins over files. A config file may set suppress_parsing.
        if (!suppress_parsing) {
            for (const setting_spec& spec : k_table) {
                const bool is_meta =
                    std::find(std::begin(meta), std::end(meta), &spec) != std::end(meta);
                apply_env(spec, /*quiet=*/is_meta);  // meta rows already warned above
            }
            warn_unknown_variables(*this);
        }
    } catch (const std::exception& e) {
        warn(std::string("settings: parsing stopped early: ") + e.what());
    }
    publish();
}

bool settings::read_config_file(const std::string& path) {
    bool ok = false;
    try {
        ok = read_config_impl(path, /*quiet_if_missing=*/true);
    } catch (const std::exception& e) {
        warn("settings: reading '" + path + "' stopped early: " + e.what());
    }
    if (ok) publish();
    return ok;
}

bool settings::read_config_impl(const std::string& path, bool quiet_if_missing) {
    std::ifstream file(path);
    if (!file) {
        if (!quiet_if_missing) warn_config("cannot open configuration file '" + path + "'");
        return false;
    }
    std::stringstream buffer;
    buffer << file.rdbuf();
    if (file.bad()) {
        warn_config("cannot read configuration file '" + path + "'");
        return false;
    }
    const std::string text = buffer.str();
    if (debug) note("settings: reading configuration file '" + path + "'");
    if (looks_like_json(path, text)) {
        read_json_config(text, path);
        return true;
    }

    std::istringstream lines(text);
    std::string line;
    for (std::size_t line_no = 1; std::getline(lines, line); ++line_no) {
        std::string_view view = line;
        // '#' starts a comment at the beginning of a line or after a blank.
        for (std::size_t i = 0; i < view.size(); ++i) {
            if (view[i] == '#' && (i == 0 || is_blank(view[i - 1]))) {
                view = view.substr(0, i);
                break;
            }
        }
        view = trim(view);
        if (view.empty()) continue;
        const std::string where = path + ":" + std::to_string(line_no) + ": ";
        const std::size_t eq = view.find('=');
        if (eq == std::string_view::npos) {
            warn_config(where + "expected 'KEY = value', got '" + std::string(view) + "'");
            continue;
        }
        const std::string_view key = trim(view.substr(0, eq));
        const std::string_view value = unquote(trim(view.substr(eq + 1)));
        const setting_spec* spec = find(key);
        if (spec == nullptr) {
            warn_config(where + unknown_setting_message(key));
            continue;
        }
        std::string error;
        assign(*spec, value, &error);
        if (!error.empty()) warn_config(where + error);
    }
    return true;
}

void settings::read_json_config(const std::string& text, const std::string& path) {
    const nlohmann::json root = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (root.is_discarded() || !root.is_object()) {
        warn_config("configuration file '" + path + "' is not a JSON object");
        return;
    }
    // Accept both {"KEY": value} and the to_json() shape {"settings": {"TIMEMORY_X": {...}}}.
    const nlohmann::json& body =
        root.contains("settings") && root.at("settings").is_object() ? root.at("settings") : root;
    for (const auto& [key, value] : body.items()) {
        if (key == "command_line" || key == "environment") continue;  // to_json() extras
        const std::string where = path + ": \"" + key + "\": ";
        const setting_spec* spec = find(key);
        if (spec == nullptr) {
            warn_config(where + unknown_setting_message(key));
            continue;
        }
        std::string str;
        if (!json_to_text(value, str)) {
            if (!value.is_null())
                warn_config(where + "expected " + std::string(expected_kind(spec->type)) +
                            ", got " +
                            value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
            continue;
        }
        std::string error;
        assign(*spec, str, &error);
        if (!error.empty()) warn_config(where + error);
    }
}

std::string settings::to_json() const {
    using ordered = nlohmann::ordered_json;
    std::vector<ordered> initial;
    initial.reserve(std::size(k_table));
    const settings defaults{};
    defaults.for_each(
        [&](const setting_spec&, const auto& member) { initial.emplace_back(member); });

    ordered entries = ordered::object();
    std::size_t i = 0;
    for_each([&](const setting_spec& spec, const auto& member) {
        ordered entry = ordered::object();
        entry["name"] = std::string(spec.name);
        entry["environ"] = std::string(spec.env);
        entry["description"] = std::string(spec.description);
        entry["data_type"] = std::string(to_string(spec.type));
        entry["initial"] = initial[i++];
        entry["value"] = member;
        entries[std::string(spec.env)] = std::move(entry);
    });
    ordered root = ordered::object();
    root["settings"] = std::move(entries);
    // Text settings come from the environment and the executable's name, which need not be
    // UTF-8: replace such bytes with U+FFFD, as the output writers do, rather than throw.
    return root.dump(4, ' ', false, ordered::error_handler_t::replace);
}

// Parse once when the library is loaded, so TIMEMORY_ENABLED=OFF (and the rest) hold even for
// programs that never call init.
namespace {
[[maybe_unused]] const bool g_parsed_at_load = (settings::instance(), true);
}  // namespace

}  // namespace tim
