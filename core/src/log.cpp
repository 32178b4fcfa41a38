#include "timemory/core/log.hpp"

#include <cstdio>
#include <map>
#include <mutex>
#include <set>

namespace tim::log {
namespace {

struct repeats {
    std::size_t printed = 0;
    std::size_t suppressed = 0;
};

struct state {
    std::mutex mutex;
    std::map<std::pair<std::string, std::string>, repeats> kinds;  // (level, kind)
};

state& shared() {
    static auto* value = new state{};  // never freed: warnings may come during exit
    return *value;
}

void print(std::string_view level, std::string_view message) {
    std::fprintf(stderr, "[timemory][%.*s] %.*s\n", static_cast<int>(level.size()), level.data(),
                 static_cast<int>(message.size()), message.data());
    std::fflush(stderr);
}

/// 99990 -> "99,990"
std::string with_thousands(std::size_t n) {
    const std::string digits = std::to_string(n);
    std::string out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
        out.push_back(digits[i]);
    }
    return out;
}

}  // namespace

void write(std::string_view level, const std::string& message, const std::string& kind) {
    auto& s = shared();
    std::lock_guard<std::mutex> lock{s.mutex};
    if (level == "warning" || level == "error") {
        const std::string& key = kind.empty() ? message : kind;
        auto& r = s.kinds[{std::string{level}, key}];
        if (r.printed >= repeat_limit) {
            if (r.suppressed++ == 0)
                print(level, "further " + std::string{level} + "s like '" + key +
                                 "' are counted, not printed; the count is given at finalize");
            return;
        }
        ++r.printed;
    }
    print(level, message);
}

std::size_t report_suppressed() {
    auto& s = shared();
    std::lock_guard<std::mutex> lock{s.mutex};
    std::size_t lines = 0;
    for (auto& [key, r] : s.kinds) {
        if (r.suppressed == 0) continue;
        const auto& [level, kind] = key;
        const bool one = r.suppressed == 1;
        print(level, with_thousands(r.suppressed) + " more " + level + (one ? "" : "s") +
                         " like '" + kind + (one ? "' was" : "' were") + " suppressed");
        ++lines;
    }
    s.kinds.clear();  // a new collection prints its own first repeat_limit of each kind
    return lines;
}

bool first_time(const std::string& message) {
    static std::mutex mutex;
    static auto* said = new std::set<std::string>{};  // never freed: init may run during exit
    std::lock_guard<std::mutex> lock{mutex};
    return said->insert(message).second;
}

}  // namespace tim::log
