#include "timemory/core/log.hpp"

#include <cstdio>
#include <mutex>

namespace tim::log {

void write(std::string_view level, const std::string& message) {
    static std::mutex mutex;
    std::lock_guard<std::mutex> lock{mutex};
    std::fprintf(stderr, "[timemory][%.*s] %s\n", static_cast<int>(level.size()), level.data(),
                 message.c_str());
    std::fflush(stderr);
}

}  // namespace tim::log
