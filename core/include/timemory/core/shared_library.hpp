// Libraries timemory uses only when asked (libcupti in the GPU plugin, libpapi in the host
// components): opened with dlopen on first use instead of linked, so that a build which found
// them still starts on a machine without them, and a process that never asks never maps them.
// Each user keeps a table of typed function pointers filled from the symbols resolved here.
#pragma once

#include "timemory/core/macros.hpp"

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

}  // namespace tim
