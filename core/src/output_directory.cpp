// settings.time_output, as timemory 3 has it: result files go to a subfolder of the output
// directory named after the time the program started, formatted with settings.time_format
// (strftime; default "%F_%I.%M_%p", e.g. 2026-12-07_10.31_PM). Unlike timemory 3, a run never
// writes into a folder that an earlier run made (two runs started in the same minute): the
// folder is claimed by creating it, and a taken name gets "-2", "-3", ... Every later report of
// this process goes to the folder it claimed.
#include "output_internal.hpp"

#include "timemory/core/log.hpp"
#include "timemory/core/settings.hpp"

#include <ctime>
#include <filesystem>
#include <map>
#include <mutex>
#include <system_error>
#include <utility>

namespace tim::output_detail {
namespace {

// Taken when the library is loaded, close enough to the program's start.
const std::time_t g_launch_time = std::time(nullptr);

std::string format_time(std::time_t when, const std::string& format) {
    std::tm local{};
    localtime_r(&when, &local);
    std::string text(256 + format.size() * 4, '\0');
    text.resize(std::strftime(text.data(), text.size(), format.c_str(), &local));
    return text;
}

}  // namespace

std::string time_stamped_directory(const std::string& base, std::error_code& ec) {
    static std::mutex mutex;
    static auto* claimed = new std::map<std::pair<std::string, std::string>, std::string>{};
    const std::string format = settings::instance().time_format;
    std::lock_guard<std::mutex> lock{mutex};
    if (const auto it = claimed->find({base, format}); it != claimed->end()) return it->second;

    std::string name = format_time(g_launch_time, format);
    // "" (an empty pattern, or one strftime cannot fit) or a path of its own ("/", "..") would
    // put the files in the base folder or outside it.
    if (name.empty() || name.front() == '/' || name.find("..") != std::string::npos) {
        const std::string fallback = format_time(g_launch_time, "%F_%I.%M_%p");
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
