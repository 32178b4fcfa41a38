#include "cupti/activity_kinds.hpp"

#include "timemory/core/log.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>

namespace tim::gpu::activity {
namespace {

struct named_kind {
    std::string_view name;
    CUpti_ActivityKind kind;
};

// The kinds the record processor places; anything else would only cost buffer space.
constexpr std::array<named_kind, 9> supported{{
    {"concurrent_kernel", CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL},
    {"kernel", CUPTI_ACTIVITY_KIND_KERNEL},
    {"memcpy", CUPTI_ACTIVITY_KIND_MEMCPY},
    {"memcpy2", CUPTI_ACTIVITY_KIND_MEMCPY2},
    {"memset", CUPTI_ACTIVITY_KIND_MEMSET},
    {"synchronization", CUPTI_ACTIVITY_KIND_SYNCHRONIZATION},
    {"overhead", CUPTI_ACTIVITY_KIND_OVERHEAD},
    {"runtime", CUPTI_ACTIVITY_KIND_RUNTIME},
    {"driver", CUPTI_ACTIVITY_KIND_DRIVER},
}};

std::string lower(std::string_view text) {
    std::string out{text};
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

const named_kind* lookup(std::string_view word) {
    std::string name = lower(word);
    constexpr std::string_view prefix = "cupti_activity_kind_";
    if (name.starts_with(prefix)) name.erase(0, prefix.size());
    int number = -1;
    const auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), number);
    const bool numeric = ec == std::errc{} && end == name.data() + name.size();
    for (const auto& k : supported) {
        if (numeric ? static_cast<int>(k.kind) == number : k.name == name) return &k;
    }
    return nullptr;
}

}  // namespace

std::vector<CUpti_ActivityKind> kinds_for_level(std::int64_t level) {
    std::vector<CUpti_ActivityKind> kinds{CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL};
    if (level >= 1) {
        kinds.insert(kinds.end(),
                     {CUPTI_ACTIVITY_KIND_MEMCPY, CUPTI_ACTIVITY_KIND_MEMSET,
                      CUPTI_ACTIVITY_KIND_SYNCHRONIZATION, CUPTI_ACTIVITY_KIND_OVERHEAD});
    }
    if (level >= 2)
        kinds.insert(kinds.end(), {CUPTI_ACTIVITY_KIND_RUNTIME, CUPTI_ACTIVITY_KIND_DRIVER});
    return kinds;
}

kind_list parse_kinds(std::string_view spec) {
    kind_list out;
    std::size_t pos = 0;
    while (pos < spec.size()) {
        const auto end = spec.find_first_of(", ;\t", pos);
        const auto word = spec.substr(pos, end == std::string_view::npos ? end : end - pos);
        if (!word.empty()) {
            if (const auto* k = lookup(word)) {
                if (std::find(out.kinds.begin(), out.kinds.end(), k->kind) == out.kinds.end()) {
                    out.kinds.push_back(k->kind);
                }
            } else {
                out.unknown.emplace_back(word);
            }
        }
        if (end == std::string_view::npos) break;
        pos = end + 1;
    }
    return out;
}

std::vector<CUpti_ActivityKind> select_kinds(std::int64_t level, std::string_view spec) {
    auto parsed = parse_kinds(spec);
    if (!parsed.unknown.empty()) {
        std::string bad;
        for (const auto& u : parsed.unknown) bad += (bad.empty() ? "'" : ", '") + u + "'";
        log::warning("TIMEMORY_CUPTI_ACTIVITY_KINDS: unknown activity kind(s) ", bad,
                     " ignored; valid kinds: ", valid_kind_names());
    }
    if (!parsed.kinds.empty()) return parsed.kinds;
    if (!parsed.unknown.empty()) {
        log::warning(
            "TIMEMORY_CUPTI_ACTIVITY_KINDS names no valid kind; using "
            "TIMEMORY_CUPTI_ACTIVITY_LEVEL=",
            level);
    }
    return kinds_for_level(level);
}

unsigned traced_api_classes(const std::vector<CUpti_ActivityKind>& kinds) noexcept {
    unsigned mask = 0;
    for (auto kind : kinds) {
        switch (kind) {
            case CUPTI_ACTIVITY_KIND_KERNEL:
            case CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL:
                mask |= class_bit(api_class::launch);
                break;
            case CUPTI_ACTIVITY_KIND_MEMCPY:
            case CUPTI_ACTIVITY_KIND_MEMCPY2:
                mask |= class_bit(api_class::memcpy);
                break;
            case CUPTI_ACTIVITY_KIND_MEMSET:
                mask |= class_bit(api_class::memset);
                break;
            case CUPTI_ACTIVITY_KIND_SYNCHRONIZATION:
                mask |= class_bit(api_class::sync);
                break;
            default:
                break;
        }
    }
    // A graph holds kernels, copies and sets alike.
    if (mask & (class_bit(api_class::launch) | class_bit(api_class::memcpy) |
                class_bit(api_class::memset))) {
        mask |= class_bit(api_class::graph_launch);
    }
    return mask;
}

bool wants_api_records(const std::vector<CUpti_ActivityKind>& kinds) noexcept {
    return std::any_of(kinds.begin(), kinds.end(), [](CUpti_ActivityKind k) {
        return k == CUPTI_ACTIVITY_KIND_RUNTIME || k == CUPTI_ACTIVITY_KIND_DRIVER;
    });
}

std::string_view kind_name(CUpti_ActivityKind kind) noexcept {
    for (const auto& k : supported) {
        if (k.kind == kind) return k.name;
    }
    return {};
}

std::string valid_kind_names() {
    std::string out;
    for (const auto& k : supported) {
        if (!out.empty()) out += ", ";
        out += k.name;
    }
    return out;
}

}  // namespace tim::gpu::activity
