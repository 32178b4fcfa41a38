// timem: run a command and report what it cost, like `/usr/bin/time -v`, with timemory's
// component ids, labels and display units (TIMEMORY_TIMING_UNITS, TIMEMORY_MEMORY_UNITS, ...).
//
//     timem [options] [--] command [args...]
//
// Exit status: the command's, 128 + N when signal N killed it, 127 when it was not found, 126
// when it could not be executed, and 125 for timem's own errors (bad option, unwritable output
// file) -- the convention of env(1), nice(1) and timeout(1), so a caller can tell them apart.
#include "child.hpp"

#include "timemory/core/registry.hpp"
#include "timemory/core/units.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <exception>
#include <iostream>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace {

using json = nlohmann::ordered_json;

constexpr int k_usage_error = 125;
constexpr int k_cannot_execute = 126;
constexpr int k_not_found = 127;

struct options {
    std::optional<std::string> json_path;
    bool quiet = false;
    std::vector<std::string> command;
};

struct usage_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

void print_usage(std::ostream& os) {
    os << "Usage: timem [options] [--] command [args...]\n\n"
       << "Runs the command and reports its wall, user and system time, CPU utilization, peak\n"
       << "resident memory, page faults, context switches and I/O on stderr.\n\n"
       << "Options:\n"
       << "  -o, --output FILE    also write the report as JSON to FILE\n"
       << "      --json FILE      same as --output\n"
       << "  -q, --quiet          do not print the report on stderr\n"
       << "  -h, --help           this message\n\n"
       << "Units follow TIMEMORY_TIMING_UNITS and TIMEMORY_MEMORY_UNITS (default sec, MB).\n"
       << "Exit status: the command's; 128+N if signal N killed it; 127 command not found;\n"
       << "126 command not executable; 125 timem usage or output error.\n";
}

/// Options end at "--" or at the first word that is not an option, so `timem ls -l` runs `ls -l`.
bool parse_args(int argc, char** argv, options& opts) {
    int i = 1;
    for (; i < argc; ++i) {
        const std::string arg = argv[i];
        const auto value_of = [&](std::string_view name) {
            if (i + 1 >= argc) throw usage_error{"option " + std::string{name} + " needs a file"};
            return std::string{argv[++i]};
        };
        if (arg == "--") {
            ++i;
            break;
        }
        if (arg.empty() || arg[0] != '-') break;
        if (arg == "-h" || arg == "--help") {
            print_usage(std::cout);
            return false;
        }
        if (arg == "-q" || arg == "--quiet")
            opts.quiet = true;
        else if (arg == "-o" || arg == "--output" || arg == "--json")
            opts.json_path = value_of(arg);
        else if (arg.starts_with("--output="))
            opts.json_path = arg.substr(9);
        else if (arg.starts_with("--json="))
            opts.json_path = arg.substr(7);
        else if (arg.starts_with("-o") && arg.size() > 2)
            opts.json_path = arg.substr(2);
        else
            throw usage_error{"unknown option '" + arg + "'"};
        if (opts.json_path && opts.json_path->empty()) throw usage_error{"empty output file name"};
    }
    for (; i < argc; ++i) opts.command.emplace_back(argv[i]);
    if (opts.command.empty()) throw usage_error{"no command given"};
    return true;
}

/// The command as a shell would echo it: words with blanks or shell syntax in single quotes.
std::string command_text(const std::vector<std::string>& command) {
    std::string out;
    for (const auto& word : command) {
        if (!out.empty()) out += ' ';
        const bool plain = !word.empty() &&
                           word.find_first_of(" \t\n'\"\\$`*?[]{}()<>|&;#~!") == std::string::npos;
        if (plain) {
            out += word;
            continue;
        }
        out += '\'';
        for (char c : word) out += (c == '\'') ? std::string{"'\\''"} : std::string(1, c);
        out += '\'';
    }
    return out;
}

// ---- measurements --------------------------------------------------------------------------

/// One reported quantity. `id` is the registry id and the JSON key; the label shown is the
/// registry's, so timem, timemory-avail and the result files agree on names.
struct metric {
    std::string_view id;
    std::string_view fallback_label;  // only when the registry does not know `id`
    tim::unit_kind units;             // what `raw` is in: ns, bytes, count or percent
    double raw = 0.0;
    bool integer = false;

    std::string label() const {
        const auto* info = tim::registry::find(id);
        return std::string{info && !info->label.empty() ? info->label : fallback_label};
    }
};

double timeval_ns(const timeval& tv) {
    return static_cast<double>(tv.tv_sec) * 1e9 + static_cast<double>(tv.tv_usec) * 1e3;
}

std::vector<metric> collect_metrics(const timem::child_result& r) {
    using tim::unit_kind;
    const rusage& ru = r.usage;
    const double user = timeval_ns(ru.ru_utime);
    const double sys = timeval_ns(ru.ru_stime);
    const auto count = [](long value) { return static_cast<double>(value); };
    std::vector<metric> out{
        {"wall_clock", "wall", unit_kind::timing, r.wall_ns},
        {"user_clock", "user", unit_kind::timing, user},
        {"system_clock", "sys", unit_kind::timing, sys},
        {"cpu_clock", "cpu", unit_kind::timing, user + sys},
        {"cpu_util", "cpu_util", unit_kind::percent,
         r.wall_ns > 0.0 ? 100.0 * (user + sys) / r.wall_ns : 0.0},
        // ru_maxrss is in KiB on Linux.
        {"peak_rss", "peak_rss", unit_kind::memory, count(ru.ru_maxrss) * 1024.0},
        {"num_major_page_faults", "major_page_flts", unit_kind::count, count(ru.ru_majflt), true},
        {"num_minor_page_faults", "minor_page_flts", unit_kind::count, count(ru.ru_minflt), true},
        {"voluntary_context_switch", "vol_cxt_swch", unit_kind::count, count(ru.ru_nvcsw), true},
        {"priority_context_switch", "prio_cxt_swch", unit_kind::count, count(ru.ru_nivcsw), true},
        {"num_io_in", "io_in", unit_kind::count, count(ru.ru_inblock), true},
        {"num_io_out", "io_out", unit_kind::count, count(ru.ru_oublock), true},
    };
    if (r.io) {
        const auto bytes = [](std::uint64_t value) { return static_cast<double>(value); };
        out.push_back({"read_char", "read_char", unit_kind::memory, bytes(r.io->rchar)});
        out.push_back({"written_char", "written_char", unit_kind::memory, bytes(r.io->wchar)});
        out.push_back({"read_bytes", "read_bytes", unit_kind::memory, bytes(r.io->read_bytes)});
        out.push_back(
            {"written_bytes", "written_bytes", unit_kind::memory, bytes(r.io->write_bytes)});
    }
    return out;
}

std::string status_text(const timem::child_result& r) {
    std::string text = std::to_string(r.exit_code);
    if (r.signaled) {
        text += " (killed by signal " + std::to_string(r.signal) + ": " + strsignal(r.signal) + ")";
    }
    return text;
}

// ---- reports -------------------------------------------------------------------------------

std::string text_report(const std::vector<std::string>& command, const timem::child_result& r,
                        const std::vector<metric>& metrics) {
    struct line {
        std::string label, value, units;
    };
    std::vector<line> lines;
    for (const auto& m : metrics) {
        const auto unit = tim::display_unit_for(m.units);
        lines.push_back(
            {m.label(), tim::format_number(m.raw / unit.scale, m.units, m.integer), unit.name});
    }
    std::size_t label_width = std::string_view{"exit_status"}.size();
    std::size_t value_width = 0;
    for (const auto& l : lines) {
        label_width = std::max(label_width, l.label.size());
        value_width = std::max(value_width, l.value.size());
    }
    std::ostringstream os;
    os << "[timem] " << command_text(command) << "> Measurement totals:\n";
    for (const auto& l : lines) {
        os << "    " << l.label << std::string(label_width - l.label.size(), ' ') << " = "
           << std::string(value_width - l.value.size(), ' ') << l.value;
        if (!l.units.empty()) os << ' ' << l.units;
        os << '\n';
    }
    os << "    exit_status" << std::string(label_width - 11, ' ') << " = " << status_text(r)
       << '\n';
    return os.str();
}

json json_report(const std::vector<std::string>& command, const timem::child_result& r,
                 const std::vector<metric>& metrics, const std::string& error) {
    json body{{"command", command}, {"exit_status", r.exit_code}};
    if (!error.empty()) body["error"] = error;
    if (r.signaled) body["signal"] = {{"number", r.signal}, {"name", strsignal(r.signal)}};
    for (const auto& m : metrics) {
        const auto unit = tim::display_unit_for(m.units);
        json value = m.integer ? json(static_cast<std::int64_t>(m.raw)) : json(m.raw / unit.scale);
        body[std::string{m.id}] = {{"value", value}, {"units", unit.name}, {"label", m.label()}};
    }
    return json{{"timem", std::move(body)}};
}

/// Opened before the command runs, so a bad path fails at once instead of after a long run.
int open_output(const std::string& path) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        throw std::runtime_error{"cannot write output file '" + path +
                                 "': " + std::strerror(errno)};
    }
    return fd;
}

bool write_all(int fd, const std::string& text) {
    std::size_t done = 0;
    while (done < text.size()) {
        const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        done += static_cast<std::size_t>(n);
    }
    return true;
}

int run(const options& opts) {
    const int out_fd = opts.json_path ? open_output(*opts.json_path) : -1;

    const timem::child_result result = timem::run_child(opts.command);

    std::string error;
    std::vector<metric> metrics;
    int exit_code = result.exit_code;
    if (result.exec_errno != 0) {
        const bool missing = result.exec_errno == ENOENT;
        error = (missing ? "command not found: '" : "cannot execute '") + opts.command.front() +
                "' (" + std::strerror(result.exec_errno) + ")";
        exit_code = missing ? k_not_found : k_cannot_execute;
        std::cerr << "timem: " << error << '\n';
    } else {
        metrics = collect_metrics(result);
        if (!opts.quiet) std::cerr << text_report(opts.command, result, metrics) << std::flush;
    }

    if (out_fd >= 0) {
        timem::child_result reported = result;
        reported.exit_code = exit_code;
        const std::string text = json_report(opts.command, reported, metrics, error)
                                     .dump(2, ' ', false, json::error_handler_t::replace) +
                                 '\n';  // a command's name need not be UTF-8
        const bool ok = write_all(out_fd, text);
        if (::close(out_fd) != 0 || !ok) {
            std::cerr << "timem: error writing '" << *opts.json_path
                      << "': " << std::strerror(errno) << '\n';
            if (exit_code == 0) exit_code = k_usage_error;
        }
    }
    return exit_code;
}

}  // namespace

int main(int argc, char** argv) {
    options opts;
    try {
        if (!parse_args(argc, argv, opts)) return 0;
        return run(opts);
    } catch (const usage_error& e) {
        std::cerr << "timem: " << e.what() << "\n\n";
        print_usage(std::cerr);
        return k_usage_error;
    } catch (const std::exception& e) {
        std::cerr << "timem: error: " << e.what() << '\n';
        return k_usage_error;
    }
}
