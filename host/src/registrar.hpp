// Private to host/src: completes a component_info from its static_component type, so that the
// sizes, slot and functions the registry hands out are exactly those compile-time bundles inline.
#pragma once

#include "timemory/core/bundle.hpp"
#include "timemory/core/component_info.hpp"
#include "timemory/core/log.hpp"
#include "timemory/core/registry.hpp"

#include <exception>
#include <string_view>
#include <utility>
#include <vector>

namespace tim::component::detail {

using ::tim::describe_component;  // the descriptive part; register_component adds the rest

/// Fill in index, raw/value counts, sample and measure from C, then register. Runs from static
/// initialisers, where an escaping exception would terminate the process: a failure (slot taken
/// because two copies of the library are loaded) is reported and the component skipped.
template <static_component C>
void register_component(component_info info) noexcept {
    info.index = C::index;
    info.raw_count = C::raw_count;
    info.value_count = C::value_count;
    info.sample = &C::sample;
    if constexpr (requires { &C::measure; }) info.measure = &C::measure;
    try {
        registry::add(std::move(info));
    } catch (const std::exception& e) {
        log::warning("host component not registered: ", e.what());
    }
}

}  // namespace tim::component::detail
