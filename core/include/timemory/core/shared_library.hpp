// Libraries timemory uses only when asked (libcupti in the GPU plugin, libpapi in the host
// components): opened with dlopen on first use instead of linked, so that a build which found
// them still starts on a machine without them, and a process that never asks never maps them.
// Each user keeps a table of typed function pointers filled from the symbols resolved here.
#pragma once

#include "timemory/core/macros.hpp"

#include <initializer_list>
#include <new>
#include <span>
#include <string>
#include <string_view>

namespace tim {

/// dlopen `library` (RTLD_NOW | RTLD_LOCAL) and resolve `names[i]` into `symbols[i]`, all or
/// nothing. "" on success: the library stays open for the rest of the process. Otherwise
/// "<what> not loaded: <the loader's reason>" (a missing symbol is named), the library is closed
/// again and `symbols` is left as it was. `symbols.size()` must equal `names.size()`.
TIMEMORY_VISIBLE std::string open_library(std::string_view what, const char* library,
                                          std::span<const char* const> names,
                                          std::span<void*> symbols);

/// A function table loaded once, and why not when it was not.
template <typename Table>
struct loaded_library {
    Table table;
    std::string error;  ///< "" when loaded
};

/// Fill a table with `open(candidate, table)` ("" on success, like open_library) from the first
/// of `candidates` (library names or paths; empty ones skipped) that opens. Made once by the
/// caller and never destroyed: libraries call back while the process exits. When none opens,
/// the error is the first candidate's (the name users know). Never throws.
template <typename Table, typename Open>
const loaded_library<Table>* load_first(std::initializer_list<std::string> candidates,
                                        Open&& open) noexcept {
    auto* loaded = new (std::nothrow) loaded_library<Table>{};
    if (loaded == nullptr) {
        static const loaded_library<Table> none{Table{}, "library not loaded: out of memory"};
        return &none;
    }
    try {
        bool first = true;
        for (const auto& candidate : candidates) {
            if (candidate.empty()) continue;
            std::string why = open(candidate, loaded->table);
            if (why.empty()) {
                loaded->error.clear();
                break;
            }
            if (first) loaded->error = std::move(why);
            first = false;
        }
    } catch (...) {
        loaded->error = "library not loaded: out of memory";
    }
    return loaded;
}

}  // namespace tim
