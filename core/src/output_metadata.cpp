// metadata.json: where and when the run happened, the settings in force, which files were
// written and the TIMEMORY_* environment, so a results folder explains itself.
#include "output_internal.hpp"

#include "timemory/core/output.hpp"
#include "timemory/core/settings.hpp"

#include <pwd.h>
#include <unistd.h>
#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <thread>

extern char** environ;

#ifndef TIMEMORY_VERSION_STRING
#define TIMEMORY_VERSION_STRING "unknown"
#endif

namespace tim {
namespace {

using output_detail::ojson;

std::string env_or(const char* name, const char* fallback = "") {
    const char* value = std::getenv(name);
    return value != nullptr ? value : fallback;
}

// "model name : Intel(R) ..." -> the text after the colon, for the first processor.
void read_cpuinfo(ojson& info) {
    std::ifstream in{"/proc/cpuinfo"};
    std::string line;
    auto take = [&](std::string_view key, const char* field) {
        if (line.compare(0, key.size(), key) != 0 || info.contains(field)) return;
        const auto colon = line.find(':');
        if (colon == std::string::npos) return;
        const auto b = line.find_first_not_of(" \t", colon + 1);
        info[field] = b == std::string::npos ? std::string{} : line.substr(b);
    };
    while (std::getline(in, line)) {
        take("model name", "CPU_MODEL");
        take("vendor_id", "CPU_VENDOR");
        take("cpu MHz", "CPU_FREQUENCY");
        if (line.empty() && info.contains("CPU_MODEL")) break;  // first processor is enough
    }
}

void add_cache_sizes(ojson& info) {
#if defined(_SC_LEVEL1_DCACHE_SIZE) && defined(_SC_LEVEL2_CACHE_SIZE) && \
    defined(_SC_LEVEL3_CACHE_SIZE)
    const std::pair<const char*, int> caches[] = {{"HW_L1_CACHE_SIZE", _SC_LEVEL1_DCACHE_SIZE},
                                                  {"HW_L2_CACHE_SIZE", _SC_LEVEL2_CACHE_SIZE},
                                                  {"HW_L3_CACHE_SIZE", _SC_LEVEL3_CACHE_SIZE}};
    for (const auto& [key, name] : caches) {
        const long size = ::sysconf(name);
        if (size > 0) info[key] = size;
    }
#else
    (void)info;
#endif
}

ojson info_json() {
    ojson info;
    char host[256] = {};
    if (::gethostname(host, sizeof(host) - 1) == 0) info["HOSTNAME"] = std::string{host};
    std::string user = env_or("USER", env_or("LOGNAME").c_str());
    if (user.empty()) {
        // Containers and CI often run without USER; ask the password database instead.
        passwd entry{};
        passwd* found = nullptr;
        char buffer[1024];
        if (::getpwuid_r(::getuid(), &entry, buffer, sizeof(buffer), &found) == 0 && found) {
            user = found->pw_name;
        }
    }
    info["USER"] = user;
    info["HOME"] = env_or("HOME");
    info["SHELL"] = env_or("SHELL");
    char cwd[4096] = {};
    info["PWD"] = ::getcwd(cwd, sizeof(cwd)) != nullptr ? std::string{cwd} : env_or("PWD");
    info["LAUNCH_DATE"] = output_detail::format_start_time("%m/%d/%y");
    info["LAUNCH_TIME"] = output_detail::format_start_time("%H:%M");
    info["TIMEMORY_VERSION"] = TIMEMORY_VERSION_STRING;
    read_cpuinfo(info);
    info["HW_CONCURRENCY"] = std::thread::hardware_concurrency();
    add_cache_sizes(info);
    return info;
}

ojson settings_json() {
    // settings::to_json() is {"settings": {...}}; metadata nests the inner object.
    auto parsed = ojson::parse(settings::instance().to_json(), nullptr, false);
    if (parsed.is_discarded()) return ojson::object();
    if (parsed.is_object() && parsed.contains("settings")) return parsed["settings"];
    return parsed;
}

ojson environment_json() {
    std::vector<std::string> vars;
    for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
        std::string_view entry{*e};
        if (entry.substr(0, 9) == "TIMEMORY_") vars.emplace_back(entry);
    }
    std::sort(vars.begin(), vars.end());
    return vars;
}

}  // namespace

namespace {
struct user_metadata {
    std::mutex mutex;
    ojson values = ojson::object();
};
user_metadata& user_values() {
    static auto* store = new user_metadata{};  // read during exit-time output
    return *store;
}
}  // namespace

void add_metadata(const std::string& key, const std::string& json_value) {
    ojson value;
    try {
        value = ojson::parse(json_value);
    } catch (const std::exception& e) {
        throw std::invalid_argument("metadata '" + key + "': value is not JSON: " + e.what());
    }
    auto& store = user_values();
    std::lock_guard<std::mutex> lock{store.mutex};
    store.values[key] = std::move(value);
}

std::string format_metadata_json(const std::vector<written_file>& outputs) {
    return output_detail::format_metadata_json(outputs, output_detail::ojson{});
}

std::string output_detail::format_metadata_json(const std::vector<written_file>& outputs,
                                                const ojson& mpi) {
    // Category = the text after the file name's last '.', as timemory grouped them: .json,
    // .tree.json and .flamegraph.json under "json", .txt under "text".
    ojson output = ojson::object();
    for (const auto& f : outputs) {
        if (f.kind == "metadata") continue;
        const auto dot = f.path.rfind('.');
        std::string category = dot == std::string::npos ? f.kind : f.path.substr(dot + 1);
        if (category == "txt") category = "text";
        output[category][f.label].push_back(f.path);
    }
    ojson metadata;
    metadata["info"] = info_json();
    {
        auto& store = user_values();
        std::lock_guard<std::mutex> lock{store.mutex};
        for (const auto& [key, value] : store.values.items()) metadata["info"][key] = value;
    }
    metadata["settings"] = settings_json();
    metadata["output"] = std::move(output);
    if (!mpi.is_null()) metadata["mpi"] = mpi;
    metadata["environment"] = environment_json();
    ojson root;
    root["timemory"]["metadata"] = std::move(metadata);
    return output_detail::dump(root, 4);
}

}  // namespace tim
