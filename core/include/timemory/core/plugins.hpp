// Run-time plugins: libraries the core loads from its own directory at start-up, so that
// libtimemory itself never depends on what they link (the GPU plugin, libtimemory-gpu: CUDA,
// CUPTI, NVTX). A plugin registers its own components with their descriptions, and may publish
// tables of functions for APIs of its room (tim::gpu::metrics reaches CUPTI's catalogue through
// one). When a plugin is absent (built without it, its libraries missing, turned off) the core
// registers the components its table names (core/src/plugins.cpp) as unavailable with the reason,
// so that their ids resolve and listings say why they cannot measure.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace tim::plugins {

/// "" once the plugin `name` ("gpu") is loaded; otherwise why not ("built without CUDA", or the
/// loader's error naming the file). Loads plugins on first use. Unknown names: "no plugin NAME".
const std::string& status(std::string_view name);

/// Publish the table of functions `table` under `service` (a plugin does, from its entry point);
/// `table` must live for the process. Publishing a name again replaces the table.
void publish(std::string_view service, const void* table);

/// The table published under `service`, or nullptr when no loaded plugin published it. Loads
/// plugins on first use.
const void* find(std::string_view service) noexcept;

/// Where the plugin library `file` is loaded from: the path in the environment variable `env`
/// when it is set, else beside libtimemory. std::nullopt when `env` turns the plugin off ("off",
/// "0", "no", "none", "false").
std::optional<std::string> library_path(const char* env, const char* file);

/// Loads the plugin library `file` (see library_path) and calls its `int entry_point()` (0 on
/// success). "" when loaded; otherwise why not, starting with `title` ("GPU plugin not loaded:
/// <the loader's error>").
std::string load_library(std::string_view title, const char* env, const char* file,
                         const char* entry_point);

/// A component of a plugin as the core names it while the plugin is absent: enough for its ids to
/// resolve and for listings and Python to show it; it measures nothing.
struct placeholder {
    std::uint16_t slot;
    std::string_view id;
    std::array<std::string_view, 2> aliases;  ///< "" entries are unused
    std::string_view label;
    std::string_view class_name;
};

/// The components of the plugin `name` as the core names them while it is absent (the plugin
/// registers the same slots, ids, aliases, labels and class names; a test checks that).
std::span<const placeholder> placeholders(std::string_view name);

}  // namespace tim::plugins

namespace tim::detail {
/// Load run-time plugins once; cheap after the first call. Called by the registry before any
/// lookup and when a thread creates its call graph.
void load_plugins() noexcept;
}  // namespace tim::detail
