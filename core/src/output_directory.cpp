// Where a process's result files go.
//
// Placeholders: settings.output_path, settings.output_prefix and the folder given to report()
// are patterns, expanded each time files are written, so that a rank known only by then is used;
// the settings keep the pattern. The one-letter forms are timemory 3's where it has them (%p pid,
// %j job, %r rank, %s size, %m hash of the command), plus %h host and %t start time; the %name%
// forms are timemory 3's. docs/output-formats.md lists them all.
//
// settings.time_output, as timemory 3 has it: result files go to a subfolder of the output
// directory named after the time the program started, formatted with settings.time_format
// (strftime; default "%F_%I.%M_%p", e.g. 2026-12-07_10.31_PM). Unlike timemory 3, a run never
// writes into a folder that an earlier run made (two runs started in the same minute): the
// folder is claimed by creating it, and a taken name gets "-2", "-3", ... Every later report of
// this process goes to the folder it claimed.
#include "output_internal.hpp"

#include "timemory/core/log.hpp"
#include "timemory/core/mpi.hpp"
#include "timemory/core/settings.hpp"

#include <pthread.h>
#include <unistd.h>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <system_error>
#include <utility>

namespace tim::output_detail {
namespace {

// Taken when the library is loaded, close enough to the program's start; a child made by fork()
// is a process of its own and starts at the fork.
std::atomic<std::int64_t> g_start_ns{now_ns()};
void restart_in_child() {
    g_start_ns.store(now_ns());
}
[[maybe_unused]] const int g_registered = ::pthread_atfork(nullptr, nullptr, &restart_in_child);

std::mutex g_command_mutex;
std::vector<std::string>* g_command = new std::vector<std::string>{};  // never destroyed: exit

std::string format_time(std::time_t when, const std::string& format) {
    std::tm local{};
    localtime_r(&when, &local);
    std::string text(256 + format.size() * 4, '\0');
    text.resize(std::strftime(text.data(), text.size(), format.c_str(), &local));
    return text;
}

std::time_t start_time_t() {
    return static_cast<std::time_t>(g_start_ns.load() / 1000000000);
}

std::vector<std::string> command_line() {
    std::lock_guard<std::mutex> lock{g_command_mutex};
    return *g_command;
}

std::string basename_of(std::string path) {
    if (auto slash = path.find_last_of("/\\"); slash != std::string::npos) path.erase(0, slash + 1);
    return path;
}

// Arguments as one name: joined by '_', every character other than a letter, a digit or one of
// ". _ - + = ," becomes '_' (a '/' would make folders).
std::string joined(const std::vector<std::string>& args, std::size_t first) {
    std::string out;
    for (std::size_t i = first; i < args.size(); ++i) {
        if (i > first) out += '_';
        out += args[i];
    }
    for (char& c : out) {
        const bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                          (c >= '0' && c <= '9') ||
                          std::string_view{"._-+=,"}.find(c) != std::string_view::npos;
        if (!keep) c = '_';
    }
    return out;
}

std::string arg0() {
    const auto args = command_line();
    return args.empty() ? std::string{} : basename_of(args.front());
}
std::string argv_all() {
    return joined(command_line(), 0);
}
std::string argt() {
    auto args = command_line();
    if (!args.empty()) args.front() = basename_of(args.front());
    return joined(args, 0);
}
std::string args_only() {
    return joined(command_line(), 1);
}
std::string tag() {
    return settings::instance().tag;
}
std::string pid() {
    return std::to_string(::getpid());
}
std::string rank() {
    return std::to_string(job_rank());
}
std::string size() {
    return std::to_string(job_size());
}
std::string host() {
    return host_name();
}
std::string start() {
    return format_start_time(settings::instance().time_format);
}
template <std::string (*Value)()>
std::string hashed() {
    return std::to_string(std::hash<std::string>{}(Value()));
}

struct placeholder {
    std::string_view name;  // "%p" or "%pid%"
    std::string (*value)();
};

// Longest first where one form starts another ("%arg0_hash%" before "%arg0%").
constexpr placeholder k_placeholders[] = {
    {"%pid%", &pid},
    {"%rank%", &rank},
    {"%size%", &size},
    {"%job%", &job_id},
    {"%arg0_hash%", &hashed<&arg0>},
    {"%arg0%", &arg0},
    {"%argv_hash%", &hashed<&argv_all>},
    {"%argv%", &argv_all},
    {"%argt_hash%", &hashed<&argt>},
    {"%argt%", &argt},
    {"%args_hash%", &hashed<&args_only>},
    {"%args%", &args_only},
    {"%tag_hash%", &hashed<&tag>},
    {"%tag%", &tag},
    {"%p", &pid},
    {"%r", &rank},
    {"%s", &size},
    {"%j", &job_id},
    {"%h", &host},
    {"%t", &start},
    {"%m", &hashed<&argt>},
};

std::string valid_placeholders() {
    std::string out;
    for (const auto& p : k_placeholders) out.append(p.name).append(" ");
    return out + "%%";
}

// "%name%" (letters, digits, '_') at `pos`, else the '%' and the character after it.
std::string_view unknown_at(std::string_view text, std::size_t pos) {
    std::size_t end = pos + 1;
    while (end < text.size() &&
           (std::isalnum(static_cast<unsigned char>(text[end])) != 0 || text[end] == '_'))
        ++end;
    if (end > pos + 2 && end < text.size() && text[end] == '%')
        return text.substr(pos, end - pos + 1);
    return text.substr(pos, std::min<std::size_t>(2, text.size() - pos));
}

}  // namespace

std::int64_t now_ns() noexcept {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::int64_t process_start_ns() noexcept {
    return g_start_ns.load();
}

std::string format_start_time(const std::string& format) {
    return format_time(start_time_t(), format);
}

void set_command_line(const std::vector<std::string>& argv) {
    std::lock_guard<std::mutex> lock{g_command_mutex};
    *g_command = argv;
}

// The one place that says which rank and size this process has for the output names: MPI's
// while it is up, else what was last seen of it, else the launchers' environment (OpenMPI,
// MPICH/Hydra and Intel MPI, Slurm): see tim::mpi::detail::last_rank.
int job_rank() {
    if (mpi::is_initialized() && !mpi::is_finalized()) return mpi::rank();
    return mpi::detail::last_rank();
}

int job_size() {
    if (mpi::is_initialized() && !mpi::is_finalized()) return mpi::size();
    return mpi::detail::last_size();
}

std::string job_id() {
    for (const char* name : {"SLURM_JOB_ID", "PBS_JOBID", "LSB_JOBID"}) {
        const char* value = std::getenv(name);
        if (value != nullptr && *value != '\0') return value;
    }
    return "0";
}

std::string host_name() {
    char name[256] = {};
    if (::gethostname(name, sizeof(name) - 1) != 0) return "localhost";
    return name;
}

std::string expand_placeholders(std::string_view pattern) {
    std::string out;
    std::string unknown;
    for (std::size_t pos = 0; pos < pattern.size();) {
        if (pattern[pos] != '%') {
            out += pattern[pos++];
            continue;
        }
        if (pattern.substr(pos, 2) == "%%") {
            out += '%';
            pos += 2;
            continue;
        }
        const placeholder* match = nullptr;
        for (const auto& p : k_placeholders) {
            if (pattern.substr(pos, p.name.size()) == p.name) {
                match = &p;
                break;
            }
        }
        if (match != nullptr) {
            out += match->value();
            pos += match->name.size();
            continue;
        }
        const std::string_view bad = unknown_at(pattern, pos);
        unknown.append(unknown.empty() ? "" : ", ").append(bad);
        out.append(bad);
        pos += bad.size();
    }
    if (!unknown.empty()) {
        const std::string message = "unknown placeholder(s) " + unknown + " in \"" +
                                    std::string{pattern} +
                                    "\" are kept as they are; valid: " + valid_placeholders();
        if (log::first_time(message)) log::warning(message);
    }
    return out;
}

std::string time_stamped_directory(const std::string& base, std::error_code& ec) {
    static std::mutex mutex;
    static auto* claimed = new std::map<std::pair<std::string, std::string>, std::string>{};
    const std::string format = settings::instance().time_format;
    std::lock_guard<std::mutex> lock{mutex};
    if (const auto it = claimed->find({base, format}); it != claimed->end()) return it->second;

    std::string name = format_start_time(format);
    // "" (an empty pattern, or one strftime cannot fit) or a path of its own ("/", "..") would
    // put the files in the base folder or outside it.
    if (name.empty() || name.front() == '/' || name.find("..") != std::string::npos) {
        const std::string fallback = format_start_time("%F_%I.%M_%p");
        log::warning("TIMEMORY_TIME_FORMAT=\"", format, "\" names no subfolder; using \"", fallback,
                     "\"");
        name = fallback;
    }
    const std::filesystem::path root =
        base.empty() ? std::filesystem::path{"."} : std::filesystem::path{base};
    std::filesystem::create_directories(root, ec);
    if (ec) return (root / name).string();
    std::filesystem::path folder = root / name;
    std::filesystem::create_directories(folder.parent_path(), ec);
    // create_directory is false, without an error, when the folder exists: another run's.
    for (int n = 2; !ec && !std::filesystem::create_directory(folder, ec); ++n)
        folder = root / (name + "-" + std::to_string(n));
    if (ec) return folder.string();
    std::string out = base.empty() ? folder.lexically_relative(".").string() : folder.string();
    claimed->emplace(std::make_pair(base, format), out);
    return out;
}

}  // namespace tim::output_detail
