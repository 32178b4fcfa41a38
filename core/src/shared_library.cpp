#include "timemory/core/shared_library.hpp"

#include <dlfcn.h>

#include <algorithm>
#include <vector>

namespace tim {

std::string open_library(std::string_view what, const char* library,
                         std::span<const char* const> names, std::span<void*> symbols) {
    const auto failed = [&](const char* why) {
        return std::string{what} + " not loaded: " + (why != nullptr ? why : library);
    };
    if (names.size() != symbols.size()) return failed("bad call: names and symbols differ");
    ::dlerror();  // clear a stale error
    void* handle = ::dlopen(library, RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) return failed(::dlerror());
    std::vector<void*> found(names.size(), nullptr);
    for (std::size_t i = 0; i < names.size(); ++i) {
        found[i] = ::dlsym(handle, names[i]);
        if (found[i] == nullptr) {
            // A library of another version than the headers': not used at all.
            const char* err = ::dlerror();
            std::string why = err != nullptr ? err : std::string{library} + " has no " + names[i];
            ::dlclose(handle);
            return failed(why.c_str());
        }
    }
    std::copy(found.begin(), found.end(), symbols.begin());
    return {};
}

}  // namespace tim
