// Which CUPTI activity kinds cupti_activity records: a preset level (settings.cupti_activity_level)
// or an explicit list (settings.cupti_activity_kinds). Pure CPU code; nothing here calls CUPTI.
//
// Levels (timemory 3's meaning, with SYNCHRONIZATION and OVERHEAD at the default level):
//   0   CONCURRENT_KERNEL
//   1   CONCURRENT_KERNEL MEMCPY MEMSET SYNCHRONIZATION OVERHEAD        (default)
//   2+  level 1 plus RUNTIME and DRIVER (one row per CUDA API call's host time)
// Names in the list are the kind names without the CUPTI_ACTIVITY_KIND_ prefix, any case
// ("kernel" serialises kernels; "concurrent_kernel" does not), or their numeric values.
#pragma once

#include "cupti/activity_labels.hpp"

#include <cupti_activity.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tim::gpu::activity {

/// Kinds of a preset level (negative levels count as 0, levels above 2 as 2).
std::vector<CUpti_ActivityKind> kinds_for_level(std::int64_t level);

struct kind_list {
    std::vector<CUpti_ActivityKind> kinds;  ///< recognised, in order, without duplicates
    std::vector<std::string> unknown;       ///< entries that name no supported kind
};

/// Parse "concurrent_kernel, memcpy 38" (separators: comma, space, semicolon).
kind_list parse_kinds(std::string_view spec);

/// The kinds to enable for these settings: the explicit list when it names at least one kind,
/// else the level. Unknown names are reported once in a warning that lists the valid ones.
std::vector<CUpti_ActivityKind> select_kinds(std::int64_t level, std::string_view spec);

/// Classes of API calls (activity_labels.hpp class_bit mask) whose records `kinds` include:
/// their correlation ids must be noted at launch.
unsigned traced_api_classes(const std::vector<CUpti_ActivityKind>& kinds) noexcept;

/// RUNTIME or DRIVER is among `kinds`: every API call leaves a record (and a row).
bool wants_api_records(const std::vector<CUpti_ActivityKind>& kinds) noexcept;

/// "concurrent_kernel", "memcpy", ... ("" for kinds the processor does not handle).
std::string_view kind_name(CUpti_ActivityKind kind) noexcept;

/// Every name parse_kinds accepts, comma separated (for messages and documentation).
std::string valid_kind_names();

}  // namespace tim::gpu::activity
