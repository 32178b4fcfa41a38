#include "timemory/core/region.hpp"

#include "timemory/core/frame_stack.hpp"
#include "timemory/core/graph.hpp"
#include "timemory/core/log.hpp"
#include "timemory/core/registry.hpp"
#include "timemory/core/settings.hpp"

#include <time.h>
#include <atomic>
#include <memory>
#include <mutex>
#include <span>
#include <stdexcept>
#include <string>
#include <unordered_map>

namespace tim::region {
namespace {

// Sets are interned: open frames keep pointing at the set they were started with after the
// default changes.
const component_set* make_set(const std::vector<const component_info*>& items) {
    return &component_set::intern(items);
}

// Regions and traces choose their components independently, as in timemory (COMPONENTS for
// regions, TRACE_COMPONENTS for traces): trace.init() must not change what regions measure.
enum set_kind : std::size_t { region_set = 0, trace_set = 1, set_kinds = 2 };

struct default_set_holder {
    std::mutex mutex;
    const component_set* set = nullptr;  // null until first use or set_default
    bool explicit_choice = false;
    std::atomic<std::uint32_t> generation{1};
};
default_set_holder& holder(set_kind kind) {
    static auto* instances = new default_set_holder[set_kinds]{};
    return instances[kind];
}

// "cpu_clock, wall_clock"
std::string names_of(const std::vector<const component_info*>& items) {
    std::string out;
    for (const auto* info : items) {
        if (!out.empty()) out += ", ";
        out += info->id;
    }
    return out.empty() ? "nothing" : out;
}

// What was wrong with a list: each unknown name with its close matches, or that it names none.
// The valid ids are listed only when some name has no close match to offer.
std::string list_problem(const registry::parsed_list& parsed) {
    if (parsed.names == 0) return "names no component";
    std::string out;
    bool unmatched = false;
    for (const auto& bad : parsed.unknown) {
        out += out.empty() ? "unknown component '" : ", unknown component '";
        out += bad.name();
        out += '\'';
        const auto& close = bad.suggestions();
        unmatched = unmatched || close.empty();
        for (std::size_t i = 0; i < close.size(); ++i) {
            out += i ? ", '" : " (did you mean '";
            out += close[i];
            out += i + 1 < close.size() ? "'" : "'?)";
        }
    }
    if (unmatched) {
        out += " (valid components:";
        for (const auto* info : registry::all()) {
            out += ' ';
            out += info->id;
        }
        out += ")";
    }
    return out;
}

// Regions: settings.components, falling back to global_components, then wall_clock. Traces:
// settings.trace_components first, then the same chain (timemory's priority for
// TRACE_COMPONENTS), but never region::set_default's choice. Unknown names cost only themselves;
// a list left with no component (blank, only separators, nothing known or usable) passes to the
// next in the chain. Each such value is warned once, naming its variable and what is measured.
const component_set* set_from_settings(set_kind kind) {
    const auto& s = settings::instance();
    struct source {
        const char* name;
        const std::string* spec;
    };
    const source chain[] = {{"TIMEMORY_TRACE_COMPONENTS", &s.trace_components},
                            {"TIMEMORY_COMPONENTS", &s.components},
                            {"TIMEMORY_GLOBAL_COMPONENTS", &s.global_components}};
    std::vector<std::string> problems;
    std::vector<const component_info*> chosen;
    for (const auto& [name, spec] : std::span{chain}.subspan(kind == trace_set ? 0 : 1)) {
        if (spec->empty()) continue;
        auto parsed = registry::parse_list_keep_known(*spec);
        if (parsed.names == 0 || !parsed.unknown.empty() || parsed.components.empty()) {
            problems.push_back(
                std::string{name} + "=\"" + *spec + "\": " +
                (parsed.components.empty() && parsed.unknown.empty() && parsed.names > 0
                     ? std::string{"no component that can measure here"}
                     : list_problem(parsed)));
        }
        if (!parsed.components.empty()) {
            chosen = std::move(parsed.components);
            break;
        }
    }
    if (chosen.empty()) {
        if (const auto* wall = registry::find("wall_clock")) chosen.push_back(wall);
    }
    for (const auto& problem : problems) {
        // The same for regions and traces from here on down the chain: said once for both.
        const std::string message = problem + "; measuring " + names_of(chosen);
        if (log::first_time(message)) log::warning(message);
    }
    return make_set(chosen);
}

struct throttle_state {
    std::uint64_t count = 0;
    double sum_ns = 0.0;
    bool throttled = false;
};

// This thread's copy of one default set, refreshed when set_default or the settings change.
struct cached_set {
    const component_set* set = nullptr;
    std::uint32_t set_generation = 0;
    std::uint32_t settings_gen = ~0u;
};

// A trace's frame carries its start time (for throttling) in the frame's data word; a region's
// carries this instead.
constexpr std::uint64_t not_a_trace = UINT64_MAX;

struct thread_state {
    cached_set sets[set_kinds];
    std::unordered_map<hash_value, throttle_state> throttles;
};

// initial-exec: one TLS load instead of a __tls_get_addr call on every region push/pop.
thread_local frame_stack* this_frames TIMEMORY_INITIAL_EXEC = nullptr;
thread_local thread_state* this_state_ptr TIMEMORY_INITIAL_EXEC = nullptr;
struct state_owner {
    ~state_owner() {
        delete this_state_ptr;
        this_state_ptr = nullptr;
    }
};
thread_local state_owner this_state_owner;

TIMEMORY_NOINLINE thread_state& create_state() {
    (void)&this_state_owner;  // constructs the owner on this thread, whose destructor frees it
    this_state_ptr = new thread_state{};
    return *this_state_ptr;
}

TIMEMORY_INLINE thread_state& state() {
    thread_state* st = this_state_ptr;
    return TIMEMORY_LIKELY(st != nullptr) ? *st : create_state();
}

const component_set& current_set(thread_state& st, set_kind kind) {
    auto& h = holder(kind);
    auto& cached = st.sets[kind];
    const auto gen = h.generation.load(std::memory_order_acquire);
    const auto sgen = settings_generation().load(std::memory_order_relaxed);
    if (TIMEMORY_UNLIKELY(!cached.set || cached.set_generation != gen ||
                          cached.settings_gen != sgen)) {
        std::lock_guard<std::mutex> lock{h.mutex};
        if (!h.explicit_choice && (!h.set || cached.settings_gen != sgen)) {
            h.set = set_from_settings(kind);
        }
        cached.set = h.set;
        cached.set_generation = gen;
        cached.settings_gen = sgen;
    }
    return *cached.set;
}

std::int64_t now_ns() noexcept {
    timespec ts;
    ::clock_gettime(CLOCK_MONOTONIC, &ts);
    return std::int64_t{ts.tv_sec} * 1000000000 + ts.tv_nsec;
}

void open(std::string_view name, bool trace) {
    if (!is_enabled()) return;
    auto& st = state();
    auto& fs = thread_frame_stack(this_frames, "region");
    const hash_value hash = hash_label(name);
    if (trace) {
        auto it = st.throttles.find(hash);
        if (it != st.throttles.end() && it->second.throttled) {
            fs.open_unmeasured(hash);
            return;
        }
    }
    const auto& set = current_set(st, trace ? trace_set : region_set);
    // The text is registered once per new node; an observer (NVTX) names the range at the push
    // itself, so with one installed it is registered first.
    if (TIMEMORY_UNLIKELY(detail::region_observer_now() != nullptr)) add_label(name);
    const auto& nodes = this_thread_graph().nodes();
    const auto before = nodes.size();
    fs.open(set, hash, hash, trace ? static_cast<std::uint64_t>(now_ns()) : not_a_trace);
    if (nodes.size() != before) add_label(name);  // a new node: remember its text
}

void update_throttle(thread_state& st, hash_value hash, std::int64_t elapsed) {
    const auto& s = settings::instance();
    auto& t = st.throttles[hash];
    ++t.count;
    t.sum_ns += static_cast<double>(elapsed);
    if (s.throttle_count > 0 && t.count >= static_cast<std::uint64_t>(s.throttle_count)) {
        if (t.sum_ns / static_cast<double>(t.count) < static_cast<double>(s.throttle_value)) {
            t.throttled = true;
        }
        t.count = 0;
        t.sum_ns = 0.0;
    }
}

bool close(std::string_view name) {
    frame_stack* fs = this_frames;
    // Runtime off: pops are as silent as pushes (regions opened before disabling are still
    // closed below, so nothing measured is lost).
    const std::size_t i = fs != nullptr ? fs->find_last(hash_label(name)) : frame_stack::npos;
    if (i == frame_stack::npos) {
        if (is_enabled() || (fs != nullptr && !fs->empty())) {
            log::warning("pop of '", name, "' without a matching push; ignored");
        }
        return false;
    }
    const open_frame f = fs->close(i);
    if (f.set != nullptr && f.data != not_a_trace) {
        update_throttle(state(), f.key, now_ns() - static_cast<std::int64_t>(f.data));
    }
    return true;
}

void install(set_kind kind, const component_set* set) {
    auto& h = holder(kind);
    std::lock_guard<std::mutex> lock{h.mutex};
    h.set = set;
    h.explicit_choice = true;
    h.generation.fetch_add(1, std::memory_order_release);
}

void replace_default(set_kind kind, std::string_view components) {
    // Both throw before anything changes.
    if (components.find_first_not_of(registry::list_separators) == std::string_view::npos) {
        throw std::invalid_argument("component list '" + std::string{components} +
                                    "' names no component");
    }
    install(kind, make_set(registry::parse_list(components)));
}

bool replace_default_keep_known(set_kind kind, std::string_view components,
                                std::string_view caller) {
    auto parsed = registry::parse_list_keep_known(components);
    const bool known = parsed.names > 0 && !parsed.components.empty();
    if (known) install(kind, make_set(parsed.components));
    if (parsed.names > 0 && parsed.unknown.empty()) return true;  // every name known
    log::warning(caller, "(\"", components, "\"): ", list_problem(parsed), "; ",
                 known ? "measuring " + names_of(parsed.components) : "the previous choice stays");
    return false;
}

}  // namespace

void set_default(std::string_view components) {
    replace_default(region_set, components);
}

std::vector<const component_info*> default_components() {
    return current_set(state(), region_set).items();
}

void set_trace_default(std::string_view components) {
    replace_default(trace_set, components);
}

bool set_default_keep_known(std::string_view components, std::string_view caller) {
    return replace_default_keep_known(region_set, components, caller);
}

bool set_trace_default_keep_known(std::string_view components, std::string_view caller) {
    return replace_default_keep_known(trace_set, components, caller);
}

std::vector<const component_info*> trace_default_components() {
    return current_set(state(), trace_set).items();
}

void push(std::string_view name) {
    open(name, false);
}
bool pop(std::string_view name) {
    return close(name);
}
void push_trace(std::string_view name) {
    open(name, true);
}
bool pop_trace(std::string_view name) {
    return close(name);
}

bool is_throttled(std::string_view name) {
    if (this_state_ptr == nullptr) return false;
    auto it = this_state_ptr->throttles.find(hash_label(name));
    return it != this_state_ptr->throttles.end() && it->second.throttled;
}

std::size_t close_all() {
    return this_frames != nullptr ? this_frames->close_all() : 0;
}

std::size_t open_count() {
    return this_frames != nullptr ? this_frames->size() : 0;
}

}  // namespace tim::region
