// Compiled only with PAPI (TIMEMORY_USE_PAPI, host/CMakeLists.txt).
#if defined(TIMEMORY_USE_PAPI)
#include "papi_library.hpp"

#include "timemory/core/shared_library.hpp"

#include <array>
#include <cassert>
#include <cstdlib>
#include <iterator>

// host/CMakeLists.txt: the soname of the libpapi the build found, and its directory.
#if !defined(TIMEMORY_PAPI_LIBRARY) || !defined(TIMEMORY_PAPI_LIBRARY_DIR)
#error "TIMEMORY_PAPI_LIBRARY and TIMEMORY_PAPI_LIBRARY_DIR are defined by host/CMakeLists.txt"
#endif

namespace tim::papi::library {
namespace {

std::string open(const std::string& name, functions& out) {
#define TIMEMORY_PAPI_NAME(fn) #fn,
    static constexpr const char* names[] = {TIMEMORY_PAPI_FUNCTIONS(TIMEMORY_PAPI_NAME)};
#undef TIMEMORY_PAPI_NAME
    std::array<void*, std::size(names)> symbols{};
    if (auto why = open_library("PAPI", name.c_str(), names, symbols); !why.empty()) return why;
    std::size_t i = 0;
#define TIMEMORY_PAPI_ASSIGN(fn) out.fn = reinterpret_cast<decltype(out.fn)>(symbols[i++]);
    TIMEMORY_PAPI_FUNCTIONS(TIMEMORY_PAPI_ASSIGN)
#undef TIMEMORY_PAPI_ASSIGN
    return {};
}

const loaded_library<functions>& the_library() noexcept {
    // Not on the search path: where the build found it (only for the build's own name).
    static const auto* const lib = [] {
        const auto name = library_name();
        const bool own_name = name == TIMEMORY_PAPI_LIBRARY && *TIMEMORY_PAPI_LIBRARY_DIR != '\0';
        return load_first<functions>(
            {name, own_name ? std::string{TIMEMORY_PAPI_LIBRARY_DIR} + "/" + name : std::string{}},
            &open);
    }();
    return *lib;
}

}  // namespace

std::string library_name() {
    const char* env = std::getenv("TIMEMORY_PAPI_LIBRARY");
    return env != nullptr && *env != '\0' ? std::string{env} : std::string{TIMEMORY_PAPI_LIBRARY};
}

const functions* load() noexcept {
    const auto& lib = the_library();
    return lib.error.empty() ? &lib.table : nullptr;
}

const std::string& load_error() noexcept {
    return the_library().error;
}

const functions& api() noexcept {
    const auto& lib = the_library();
    assert(lib.error.empty() && "a PAPI function called without a loaded libpapi");
    return lib.table;
}

}  // namespace tim::papi::library
#endif  // TIMEMORY_USE_PAPI
