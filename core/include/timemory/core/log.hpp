// Diagnostics to stderr with a fixed "[timemory]" prefix. Warnings are for user mistakes and
// degraded features; they never throw.
//
// Repeats are bounded: the first `repeat_limit` warnings (and errors) of one kind are printed,
// later ones of that kind are only counted, and report_suppressed() (called by finalize) prints
// one line per kind with the count. The kind of a message is its template: the string literals
// of the call with every other argument shown as "...", so
//     log::warning("pop of '", name, "' without a matching push; ignored");
// is one kind, "pop of '...' without a matching push; ignored", whatever the name. A message
// built beforehand and passed as one string is its own kind.
#pragma once

#include <cstddef>
#include <sstream>
#include <string>
#include <string_view>
#include <type_traits>

namespace tim::log {

/// How many messages of one kind are printed before the rest are only counted.
inline constexpr std::size_t repeat_limit = 10;

/// Print "[timemory][<level>] <message>" unless `kind` (default: the message itself) has been
/// printed repeat_limit times already; warnings and errors count, other levels always print.
void write(std::string_view level, const std::string& message, const std::string& kind = {});

/// Print one line per kind whose repeats were suppressed since the last call ("99,990 more
/// warnings like '...' were suppressed"), then start counting afresh: after a finalize, each
/// kind is printed repeat_limit times again. Returns the lines printed.
std::size_t report_suppressed();

/// True the first time this process asks about `message`, false afterwards: for problems that
/// are found again each time the same input is read (settings at load and in init, component
/// sets rebuilt per settings change) but should be said once.
bool first_time(const std::string& message);

namespace detail {

template <typename T>
constexpr bool is_literal_text_v = std::is_array_v<std::remove_cvref_t<T>>&&
    std::is_same_v<std::remove_cv_t<std::remove_extent_t<std::remove_cvref_t<T>>>, char>;

/// The message and its kind: literal text is kept in the kind, every other value becomes "...".
template <typename... Args>
void write_parts(std::string_view level, Args&&... args) {
    std::ostringstream text;
    std::string kind;
    bool has_literal = false;
    const auto add = [&](const auto& arg) {
        text << arg;
        if constexpr (is_literal_text_v<decltype(arg)>) {
            kind += arg;
            has_literal = true;
        } else {
            kind += "...";
        }
    };
    (add(args), ...);
    std::string message = text.str();
    write(level, message, has_literal ? kind : message);
}

}  // namespace detail

template <typename... Args>
void warning(Args&&... args) {
    detail::write_parts("warning", std::forward<Args>(args)...);
}

template <typename... Args>
void error(Args&&... args) {
    detail::write_parts("error", std::forward<Args>(args)...);
}

template <typename... Args>
void info(Args&&... args) {
    detail::write_parts("info", std::forward<Args>(args)...);
}

}  // namespace tim::log
