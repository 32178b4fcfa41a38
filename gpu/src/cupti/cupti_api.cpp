#include "cupti/cupti_api.hpp"

#include "timemory/core/shared_library.hpp"
#include "timemory/gpu/device.hpp"

#include <array>
#include <cassert>
#include <iterator>

// gpu/CMakeLists.txt: the soname matching the headers, and the directory the build found it in.
#if !defined(TIMEMORY_CUPTI_LIBRARY) || !defined(TIMEMORY_CUPTI_LIBRARY_DIR)
#error "TIMEMORY_CUPTI_LIBRARY and TIMEMORY_CUPTI_LIBRARY_DIR are defined by gpu/CMakeLists.txt"
#endif

namespace tim::gpu::cupti {
namespace {

const loaded_library<functions>& the_library() noexcept {
    // Not on the search path: where the build found it. The soname's error is the one reported
    // when that fails too.
    static const auto* const lib = load_first<functions>(
        {library_name(), *TIMEMORY_CUPTI_LIBRARY_DIR == '\0'
                             ? std::string{}
                             : std::string{TIMEMORY_CUPTI_LIBRARY_DIR} + "/" + library_name()},
        [](const std::string& name, functions& out) { return open(name.c_str(), out); });
    return *lib;
}

}  // namespace

const char* library_name() noexcept {
    return TIMEMORY_CUPTI_LIBRARY;
}

std::string open(const char* name, functions& out) {
#define TIMEMORY_CUPTI_NAME(fn) #fn,
    static constexpr const char* names[] = {TIMEMORY_CUPTI_FUNCTIONS(TIMEMORY_CUPTI_NAME)};
#undef TIMEMORY_CUPTI_NAME
    std::array<void*, std::size(names)> symbols{};
    if (auto why = open_library("CUPTI", name, names, symbols); !why.empty()) return why;
    std::size_t i = 0;
#define TIMEMORY_CUPTI_ASSIGN(fn) out.fn = reinterpret_cast<decltype(out.fn)>(symbols[i++]);
    TIMEMORY_CUPTI_FUNCTIONS(TIMEMORY_CUPTI_ASSIGN)
#undef TIMEMORY_CUPTI_ASSIGN
    return {};
}

const functions* load() noexcept {
    const auto& lib = the_library();
    return lib.error.empty() ? &lib.table : nullptr;
}

const std::string& load_error() noexcept {
    return the_library().error;
}

std::string unavailable_reason() {
    // has_device() first: without a driver the answer is known without mapping libcupti.
    if (!has_device()) return device_unavailable_reason();
    return load_error();
}

const functions& api() noexcept {
    const auto& lib = the_library();
    assert(lib.error.empty() && "a CUPTI function called without a loaded libcupti");
    return lib.table;
}

}  // namespace tim::gpu::cupti
