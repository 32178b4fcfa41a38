// Diagnostics to stderr with a fixed "[timemory]" prefix. Warnings are for user mistakes and
// degraded features; they never throw.
#pragma once

#include <sstream>
#include <string>
#include <string_view>

namespace tim::log {

void write(std::string_view level, const std::string& message);

/// True the first time this process asks about `message`, false afterwards: for problems that
/// are found again each time the same input is read (settings at load and in init, component
/// sets rebuilt per settings change) but should be said once.
bool first_time(const std::string& message);

template <typename... Args>
void warning(Args&&... args) {
    std::ostringstream ss;
    (ss << ... << args);
    write("warning", ss.str());
}

template <typename... Args>
void error(Args&&... args) {
    std::ostringstream ss;
    (ss << ... << args);
    write("error", ss.str());
}

template <typename... Args>
void info(Args&&... args) {
    std::ostringstream ss;
    (ss << ... << args);
    write("info", ss.str());
}

}  // namespace tim::log
