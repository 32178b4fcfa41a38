// timemory-avail: what this build of timemory can measure and how it is configured.
//
// Every section (components, settings, hardware counters) is one function that turns the
// registry, the settings table or PAPI's event list into a `table`: rows for the text and
// markdown printers and an array for --json, built side by side so the formats never disagree.
#include "timemory/components/papi.hpp"
#include "timemory/core/close_matches.hpp"
#include "timemory/core/registry.hpp"
#include "timemory/core/settings.hpp"
#include "timemory/core/units.hpp"
#include "timemory/gpu/metrics.hpp"
#include "timemory/hardware_counters.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <exception>
#include <iostream>
#include <optional>
#include <regex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace {

using json = nlohmann::ordered_json;

constexpr std::string_view k_tool = "timemory-avail";

enum class format { text, markdown, json };

struct options {
    bool description = false;     // add the DESCRIPTION column to components
    bool available_only = false;  // hide components that cannot measure here
    format output = format::text;
    std::optional<std::regex> filter;
    std::vector<std::string_view> sections;  // keys of the chosen sections; empty = defaults
    std::string chip;  // --chip: list this GPU's CUPTI metrics (offline), "" = this machine's GPU
};

/// One section as rows (text, markdown) and as a JSON array (--json).
struct table {
    std::vector<std::string> headers;
    std::vector<std::vector<std::string>> rows;
    json items = json::array();
};

using section_fn = table (*)(const options&);

/// A section of the listing. Adding one (e.g. hardware counters: PAPI presets and CUPTI metrics
/// with their availability) is one entry in k_sections plus its section function; option parsing,
/// --help, --all and the three output formats pick it up from here.
struct section {
    std::string_view key;   // JSON key and markdown/text title
    char short_flag;        // -c
    std::string_view flag;  // --components
    std::string_view help;  // one line for --help
    bool shown_by_default;  // printed when no section option is given
    section_fn build;
};

// ---- filtering ---------------------------------------------------------------------------------

/// True without a filter, else when the regex is found in any of `names`.
bool matches(const options& opts, std::initializer_list<std::string_view> names,
             const std::vector<std::string_view>& more = {}) {
    if (!opts.filter) return true;
    const auto hit = [&](std::string_view name) {
        return std::regex_search(name.begin(), name.end(), *opts.filter);
    };
    return std::any_of(names.begin(), names.end(), hit) ||
           std::any_of(more.begin(), more.end(), hit);
}

std::string join(const std::vector<std::string_view>& parts, std::string_view separator) {
    std::string out;
    for (auto part : parts) {
        if (!out.empty()) out += separator;
        out += part;
    }
    return out;
}

// ---- sections ----------------------------------------------------------------------------------

/// "" when usable. A throwing availability probe must not take the whole listing down.
std::string unavailable_reason(const tim::component_info& info) {
    try {
        return tim::registry::unavailable_reason(info);
    } catch (const std::exception& e) {
        return std::string{"availability check failed: "} + e.what();
    } catch (...) {
        return "availability check failed";
    }
}

/// Display units of every value, collapsed to one entry when they agree (the common case).
std::vector<std::string> value_units(const tim::component_info& info) {
    std::vector<std::string> units;
    for (unsigned i = 0; i < info.size(); ++i) {
        units.push_back(tim::display_unit_for(info.value_units(i)).name);
    }
    if (std::all_of(units.begin(), units.end(), [&](auto& u) { return u == units.front(); })) {
        units.resize(std::min<std::size_t>(units.size(), 1));
    }
    return units;
}

table components_section(const options& opts) {
    table out;
    out.headers = {"ID", "ALIASES", "LABEL", "UNITS", "AVAILABLE"};
    if (opts.description) out.headers.emplace_back("DESCRIPTION");

    for (const auto* info : tim::registry::all()) {
        if (!matches(opts, {info->id, info->label}, info->aliases)) continue;
        const std::string reason = unavailable_reason(*info);
        if (opts.available_only && !reason.empty()) continue;

        const auto units = value_units(*info);
        std::string units_text;
        for (const auto& u : units) units_text += (units_text.empty() ? "" : ", ") + u;

        std::vector<std::string> row{std::string{info->id}, join(info->aliases, ", "),
                                     std::string{info->label}, units_text,
                                     reason.empty() ? "yes" : "no: " + reason};
        if (opts.description) row.emplace_back(info->description);
        out.rows.push_back(std::move(row));

        json values = json::array();
        for (unsigned i = 0; i < info->size(); ++i) {
            json value{{"label", info->value_label(i)},
                       {"units", tim::display_unit_for(info->value_units(i)).name}};
            if (!info->values.empty()) value["description"] = info->values[i].description;
            values.push_back(std::move(value));
        }
        out.items.push_back(json{{"id", info->id},
                                 {"aliases", info->aliases},
                                 {"label", info->label},
                                 {"description", info->description},
                                 {"class_name", info->class_name},
                                 {"units", units_text},
                                 {"value_count", info->size()},
                                 {"values", std::move(values)},
                                 {"available", reason.empty()},
                                 {"unavailable_reason", reason}});
    }
    return out;
}

table settings_section(const options& opts) {
    table out;
    out.headers = {"NAME", "ENV", "VALUE", "TYPE", "SUPPORTED", "DESCRIPTION"};
    // for_each hands over each member with its own static type, so JSON gets native values.
    tim::settings::instance().for_each([&](const tim::setting_spec& spec, const auto& value) {
        if (!matches(opts, {spec.name, spec.env})) return;
        std::string text = tim::settings::instance().get_text(spec.name);
        // Settings this build accepts but does not act on say why, as unavailable components do.
        const std::string supported =
            spec.supported() ? "yes" : "no: " + std::string{spec.unsupported};
        out.rows.push_back({std::string{spec.name}, std::string{spec.env},
                            text.empty() ? "\"\"" : text, std::string{tim::to_string(spec.type)},
                            supported, std::string{spec.description}});
        out.items.push_back(json{{"name", spec.name},
                                 {"env", spec.env},
                                 {"value", value},
                                 {"default", spec.default_text},
                                 {"type", tim::to_string(spec.type)},
                                 {"supported", spec.supported()},
                                 {"unsupported_reason", spec.unsupported},
                                 {"description", spec.description}});
    });
    return out;
}

/// One hardware-counter row (text and JSON), kept when it passes --filter and --available.
struct counter_rows {
    const options& opts;
    table& out;
    void add(const std::string& name, std::string_view api, std::string_view kind,
             const std::string& reason, const std::string& description, json extra = {}) {
        if (!matches(opts, {name, description, kind})) return;
        if (opts.available_only && !reason.empty()) return;
        out.rows.push_back(
            {name, std::string{kind}, reason.empty() ? "yes" : "no: " + reason, description});
        json item{{"name", name},
                  {"api", api},
                  {"kind", kind},
                  {"available", reason.empty()},
                  {"unavailable_reason", reason},
                  {"description", description}};
        if (extra.is_object()) item.update(extra);
        out.items.push_back(std::move(item));
    }
};

void add_papi_events(counter_rows& rows) {
    if (const std::string reason = tim::papi::unavailable_reason(); !reason.empty()) {
        rows.add("PAPI", "papi", "papi", reason, "PAPI presets and native events (CPU counters)");
    }
    for (const auto& e : tim::papi::list_events()) {
        const std::string& description =
            e.description.empty() ? e.short_description : e.description;
        rows.add(e.name, "papi", e.preset ? "papi preset" : "papi native", e.reason, description,
                 json{{"short_description", e.short_description},
                      {"component", e.component},
                      {"units", e.kind == tim::unit_kind::timing ? std::string{"ns"} : e.units}});
    }
}

/// CUPTI metrics of --chip (or of this machine's GPU): every base metric, then what
/// cupti_counters would collect there (settings.cupti_metrics) with its replay passes. A metric
/// counts here only on a GPU of that chip. Throws std::invalid_argument for an unknown chip.
void add_cupti_metrics(const options& opts, counter_rows& rows) {
    namespace metrics = tim::gpu::metrics;
    namespace hw = tim::hardware_counters;
    const std::string what = "NVIDIA GPU metrics through CUPTI's range profiler";
    if (const auto why = metrics::unavailable_reason(); !why.empty()) {
        rows.add("CUPTI metrics", "cupti", "cupti metric", why, what);
        return;
    }
    std::string why;
    const std::string chip = opts.chip.empty() ? hw::device_chip(why) : opts.chip;
    if (chip.empty()) {
        rows.add("CUPTI metrics", "cupti", "cupti metric",
                 why + "; --chip NAME lists a chip's metrics offline, e.g. --chip GH100", what);
        return;
    }
    for (const auto& c : hw::available(hw::api::cupti, false, chip)) {
        const auto& e = c.event;
        rows.add(e.name, "cupti", "cupti " + c.metric_type, e.reason,
                 e.description + (e.units.empty() ? "" : " (" + e.units + ")"),
                 json{{"chip", chip},
                      {"type", c.metric_type},
                      {"units", e.units},
                      {"submetrics", c.submetrics}});
    }
    // What cupti_counters collects there: validated names and replay passes.
    const auto set = metrics::check(metrics::requested_metrics(), chip);
    json rejected = json::object();
    for (const auto& [name, reason] : set.rejected) rejected[name] = reason;
    std::string description = set.metrics.empty() ? set.reason
                                                  : tim::settings::join_list(set.metrics) + ": " +
                                                        std::to_string(set.passes) +
                                                        " replay pass(es) per kernel on " + chip;
    for (const auto& [name, reason] : set.rejected) {
        description += "; " + name + " left out: " + reason;
    }
    rows.add("cupti_counters", "cupti", "cupti metric set",
             set.metrics.empty() ? set.reason : hw::chip_unavailable_reason(chip), description,
             json{{"chip", chip},
                  {"metrics", set.metrics},
                  {"passes", set.passes},
                  {"passes_each", set.passes_each},
                  {"rejected", rejected}});
}

/// PAPI presets and native events, each with whether it can be counted here (tried in an event
/// set) and PAPI's reason when not; then the CUPTI metrics of a chip.
table hardware_counters_section(const options& opts) {
    table out;
    out.headers = {"NAME", "KIND", "AVAILABLE", "DESCRIPTION"};
    counter_rows rows{opts, out};
    add_papi_events(rows);
    add_cupti_metrics(opts, rows);
    return out;
}

constexpr section k_sections[] = {
    {"components", 'c', "components", "list components (ids, aliases, labels, units)", true,
     components_section},
    {"settings", 's', "settings", "list settings (names, variables, current values)", true,
     settings_section},
    {"hardware_counters", 'H', "hw-counters",
     "list hardware counters (PAPI, CUPTI) and whether each counts here", false,
     hardware_counters_section},
};

// ---- printers ----------------------------------------------------------------------------------

void print_text(std::string_view key, const table& t, std::ostream& os) {
    std::string title{key};
    std::transform(title.begin(), title.end(), title.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    os << title << " (" << t.rows.size() << ")\n";

    std::vector<std::size_t> width(t.headers.size());
    for (std::size_t c = 0; c < width.size(); ++c) width[c] = t.headers[c].size();
    for (const auto& row : t.rows) {
        for (std::size_t c = 0; c < width.size(); ++c) width[c] = std::max(width[c], row[c].size());
    }
    // The last column is not padded: it holds descriptions, and padding would only add blanks.
    const auto print_row = [&](const std::vector<std::string>& row) {
        std::string line = "  ";
        for (std::size_t c = 0; c < row.size(); ++c) {
            line += row[c];
            if (c + 1 < row.size()) line += std::string(width[c] - row[c].size() + 2, ' ');
        }
        while (!line.empty() && line.back() == ' ') line.pop_back();
        os << line << '\n';
    };
    print_row(t.headers);
    std::vector<std::string> rule;
    for (std::size_t c = 0; c < width.size(); ++c) {
        rule.emplace_back(c + 1 < width.size() ? width[c] : t.headers[c].size(), '-');
    }
    print_row(rule);
    for (const auto& row : t.rows) print_row(row);
}

std::string markdown_cell(std::string_view text) {
    std::string out;
    for (char c : text) {
        if (c == '|') out += '\\';
        out += c;
    }
    return out;
}

void print_markdown(std::string_view key, const table& t, std::ostream& os) {
    std::string title{key};
    if (!title.empty()) title.front() = static_cast<char>(std::toupper(title.front()));
    os << "## " << title << "\n\n";
    const auto print_row = [&](const std::vector<std::string>& row) {
        os << '|';
        for (const auto& cell : row) os << ' ' << markdown_cell(cell) << " |";
        os << '\n';
    };
    print_row(t.headers);
    os << '|';
    for (std::size_t c = 0; c < t.headers.size(); ++c) os << " --- |";
    os << '\n';
    for (const auto& row : t.rows) print_row(row);
}

// ---- command line ------------------------------------------------------------------------------

void print_usage(std::ostream& os) {
    os << "Usage: " << k_tool << " [options]\n\n"
       << "Lists the components, settings and hardware counters of this timemory build.\n\n"
       << "Sections (default: components and settings):\n";
    for (const auto& s : k_sections) {
        std::string flags = std::string{"  -"} + s.short_flag + ", --" + std::string{s.flag};
        flags.resize(std::max<std::size_t>(flags.size() + 2, 26), ' ');
        os << flags << s.help << '\n';
    }
    os << "  -a, --all               every section and every column\n"
       << "\nColumns and rows:\n"
       << "  -d, --description       add component descriptions\n"
       << "  -A, --available         only components and counters that can measure here\n"
       << "  -f, --filter REGEX      only rows whose id, alias, label, name or variable\n"
       << "                          contains a match (ECMAScript regex, case-insensitive)\n"
       << "  --chip NAME             with -H (implied): the CUPTI metrics of GPU chip NAME\n"
       << "                          (GH100, GA100, ...), listed offline, and the replay\n"
       << "                          passes TIMEMORY_CUPTI_METRICS needs on it\n"
       << "\nFormats (default: aligned text):\n"
       << "  --json                  {\"components\": [...], \"settings\": [...]}\n"
       << "  --markdown              markdown tables\n"
       << "  -h, --help              this message\n"
       << "\nExit status: 0 on success, 2 for a bad option.\n";
}

/// Thrown for any command-line mistake; main prints it with the usage and exits 2.
struct usage_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

std::vector<std::string> long_option_names() {
    std::vector<std::string> names{"--all",  "--description", "--available", "--filter",
                                   "--json", "--markdown",    "--help",      "--chip"};
    for (const auto& s : k_sections) names.push_back("--" + std::string{s.flag});
    return names;
}

void set_filter(options& opts, const std::string& text) {
    try {
        opts.filter.emplace(text, std::regex::ECMAScript | std::regex::icase);
    } catch (const std::regex_error& e) {
        throw usage_error{"invalid --filter regex '" + text + "': " + e.what()};
    }
}

void set_format(options& opts, format f) {
    if (opts.output != format::text && opts.output != f) {
        throw usage_error{"--json and --markdown cannot be combined"};
    }
    opts.output = f;
}

void select_all(options& opts) {
    opts.description = true;
    opts.sections.clear();
    for (const auto& s : k_sections) opts.sections.push_back(s.key);
}

/// Returns false when --help was handled.
bool parse_args(int argc, char** argv, options& opts) {
    bool all = false;
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        const auto next_value = [&](std::string_view name) -> std::string {
            if (i + 1 >= argc) throw usage_error{"option " + std::string{name} + " needs a value"};
            return argv[++i];
        };
        if (arg == "-h" || arg == "--help") {
            print_usage(std::cout);
            return false;
        }
        if (arg.starts_with("--")) {
            std::string name = arg;
            std::optional<std::string> inline_value;
            if (auto eq = arg.find('='); eq != std::string::npos) {
                name = arg.substr(0, eq);
                inline_value = arg.substr(eq + 1);
            }
            if (name == "--filter") {
                set_filter(opts, inline_value ? *inline_value : next_value(name));
                continue;
            }
            if (name == "--chip") {
                opts.chip = inline_value ? *inline_value : next_value(name);
                if (opts.chip.empty()) throw usage_error{"--chip needs a chip name, e.g. GH100"};
                opts.sections.push_back("hardware_counters");  // implies -H
                continue;
            }
            if (inline_value) throw usage_error{"option " + name + " takes no value"};
            if (name == "--all")
                all = true;
            else if (name == "--description")
                opts.description = true;
            else if (name == "--available")
                opts.available_only = true;
            else if (name == "--json")
                set_format(opts, format::json);
            else if (name == "--markdown")
                set_format(opts, format::markdown);
            else {
                auto it = std::find_if(
                    std::begin(k_sections), std::end(k_sections),
                    [&](const section& s) { return name == "--" + std::string{s.flag}; });
                if (it == std::end(k_sections)) {
                    throw usage_error{
                        "unknown option '" + arg + "'" +
                        tim::did_you_mean(tim::close_matches(name, long_option_names()))};
                }
                opts.sections.push_back(it->key);
            }
            continue;
        }
        if (arg.size() < 2 || arg[0] != '-') throw usage_error{"unexpected argument '" + arg + "'"};
        // Bundled short flags (-cd); -f takes the rest of the word or the next argument.
        for (std::size_t k = 1; k < arg.size(); ++k) {
            const char c = arg[k];
            if (c == 'f') {
                set_filter(opts, k + 1 < arg.size() ? arg.substr(k + 1) : next_value("-f"));
                break;
            }
            if (c == 'a')
                all = true;
            else if (c == 'd')
                opts.description = true;
            else if (c == 'A')
                opts.available_only = true;
            else {
                auto it = std::find_if(std::begin(k_sections), std::end(k_sections),
                                       [&](const section& s) { return s.short_flag == c; });
                if (it == std::end(k_sections)) {
                    throw usage_error{"unknown option '-" + std::string(1, c) + "'" +
                                      (arg.size() > 2 ? " in '" + arg + "'" : "")};
                }
                opts.sections.push_back(it->key);
            }
        }
    }
    if (all) select_all(opts);
    if (opts.sections.empty()) {
        for (const auto& s : k_sections) {
            if (s.shown_by_default) opts.sections.push_back(s.key);
        }
    }
    return true;
}

int run(const options& opts) {
    json document = json::object();
    bool first = true;
    for (const auto& s : k_sections) {
        // Sections print in table order whatever the order of the flags; duplicates collapse.
        if (std::find(opts.sections.begin(), opts.sections.end(), s.key) == opts.sections.end()) {
            continue;
        }
        table t = s.build(opts);
        switch (opts.output) {
            case format::json:
                document[std::string{s.key}] = std::move(t.items);
                break;
            case format::markdown:
                if (!first) std::cout << '\n';
                print_markdown(s.key, t, std::cout);
                break;
            case format::text:
                if (!first) std::cout << '\n';
                print_text(s.key, t, std::cout);
                break;
        }
        first = false;
    }
    if (opts.output == format::json)
        std::cout << document.dump(2, ' ', false, json::error_handler_t::replace) << '\n';
    std::cout.flush();
    return std::cout ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
    options opts;
    try {
        if (!parse_args(argc, argv, opts)) return 0;
    } catch (const usage_error& e) {
        std::cerr << k_tool << ": " << e.what() << "\n\n";
        print_usage(std::cerr);
        return 2;
    }
    try {
        return run(opts);
    } catch (const std::exception& e) {
        std::cerr << k_tool << ": error: " << e.what() << '\n';
        return 1;
    }
}
