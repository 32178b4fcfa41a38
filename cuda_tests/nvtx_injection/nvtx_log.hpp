// Reading back what the NVTX test tool (nvtx_log_injection.cpp) wrote for this process, as the
// C++ tests check it: the raw events, and per thread the ranges of one domain replayed as
// "+outer", "+outer/inner", "-outer/inner", "-outer" (the path of the range opened or closed).
#pragma once

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace nvtx_test {

struct event {
    long tid = 0;
    std::string kind;    ///< domain, register, push, pop, mark
    std::string domain;  ///< "-" for NVTX's default domain
    std::string color;   ///< push only: eight hex digits or "-"
    std::string text;    ///< domain name, registered string, range or mark text
};

/// The log file of this process ("" when the tool is not configured).
inline std::string log_path() {
    const char* env = std::getenv("TIMEMORY_NVTX_TEST_LOG");
    if (env == nullptr) return {};
    std::string path = env;
    if (auto at = path.find("%p"); at != std::string::npos)
        path.replace(at, 2, std::to_string(::getpid()));
    return path;
}

inline bool tool_configured() {
    return std::getenv("NVTX_INJECTION64_PATH") != nullptr && !log_path().empty();
}

/// Every event logged so far (none when the file does not exist: nothing was ever logged).
inline std::vector<event> read_log() {
    std::vector<event> out;
    std::ifstream in{log_path()};
    std::string line;
    while (std::getline(in, line)) {
        std::istringstream fields{line};
        event e;
        fields >> e.tid >> e.kind;
        if (e.kind == "domain") {
            std::getline(fields >> std::ws, e.text);
        } else {
            fields >> e.domain;
            if (e.kind == "push") fields >> e.color;
            std::getline(fields >> std::ws, e.text);
        }
        out.push_back(std::move(e));
    }
    return out;
}

/// Per thread, the pushes and pops of `domain` among `events[from..]` as paths.
inline std::map<long, std::vector<std::string>> nesting(const std::vector<event>& events,
                                                        std::size_t from = 0,
                                                        const std::string& domain = "timemory") {
    std::map<long, std::vector<std::string>> out;
    std::map<long, std::vector<std::string>> stacks;
    for (std::size_t i = from; i < events.size(); ++i) {
        const event& e = events[i];
        if (e.domain != domain) continue;
        auto& stack = stacks[e.tid];
        if (e.kind == "push") {
            stack.push_back(stack.empty() ? e.text : stack.back() + "/" + e.text);
            out[e.tid].push_back("+" + stack.back());
        } else if (e.kind == "pop") {
            out[e.tid].push_back(stack.empty() ? "-(empty stack)" : "-" + stack.back());
            if (!stack.empty()) stack.pop_back();
        }
    }
    return out;
}

}  // namespace nvtx_test
