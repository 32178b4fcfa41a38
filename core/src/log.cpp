#include "timemory/core/log.hpp"

#include <cstdio>
#include <mutex>
#include <set>

namespace tim::log {

void write(std::string_view level, const std::string& message) {
    static std::mutex mutex;
    std::lock_guard<std::mutex> lock{mutex};
    std::fprintf(stderr, "[timemory][%.*s] %s\n", static_cast<int>(level.size()), level.data(),
                 message.c_str());
    std::fflush(stderr);
}

bool first_time(const std::string& message) {
    static std::mutex mutex;
    static auto* said = new std::set<std::string>{};  // never freed: init may run during exit
    std::lock_guard<std::mutex> lock{mutex};
    return said->insert(message).second;
}

}  // namespace tim::log
