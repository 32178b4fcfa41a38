#include "timemory/core/region.hpp"

#include "timemory/core/graph.hpp"
#include "timemory/core/log.hpp"
#include "timemory/core/registry.hpp"
#include "timemory/core/settings.hpp"

#include <atomic>
#include <memory>
#include <mutex>
#include <time.h>
#include <unordered_map>

namespace tim::region {
namespace {

struct component_set {
    std::vector<const component_info*> items;
    unsigned raw_total = 0;
};

std::shared_ptr<const component_set> make_set(std::vector<const component_info*> items) {
    auto set = std::make_shared<component_set>();
    for (const auto* c : items) set->raw_total += c->raw_count;
    set->items = std::move(items);
    return set;
}

// Regions and traces choose their components independently, as in timemory (COMPONENTS for
// regions, TRACE_COMPONENTS for traces): trace.init() must not change what regions measure.
enum set_kind : std::size_t { region_set = 0, trace_set = 1, set_kinds = 2 };

struct default_set_holder {
    std::mutex mutex;
    std::shared_ptr<const component_set> set;  // null until first use or set_default
    bool explicit_choice = false;
    // Every set ever used stays alive: open frames point at the set they were started with.
    std::vector<std::shared_ptr<const component_set>> history;
    std::atomic<std::uint32_t> generation{1};
};
default_set_holder& holder(set_kind kind) {
    static auto* instances = new default_set_holder[set_kinds]{};
    return instances[kind];
}

// Regions: settings.components, falling back to global_components, then wall_clock. Traces:
// settings.trace_components first, then the same chain (timemory's priority for
// TRACE_COMPONENTS), but never region::set_default's choice.
std::shared_ptr<const component_set> set_from_settings(set_kind kind) {
    const auto& s = settings::instance();
    const char* name = "TIMEMORY_GLOBAL_COMPONENTS";
    const std::string* spec = &s.global_components;
    if (kind == trace_set && !s.trace_components.empty()) {
        name = "TIMEMORY_TRACE_COMPONENTS";
        spec = &s.trace_components;
    } else if (!s.components.empty()) {
        name = "TIMEMORY_COMPONENTS";
        spec = &s.components;
    }
    if (!spec->empty()) {
        try {
            return make_set(registry::parse_list(*spec));
        } catch (const unknown_component& e) {
            log::warning(name, ": ", e.what(), "; using wall_clock");
        }
    }
    std::vector<const component_info*> fallback;
    if (const auto* wall = registry::find("wall_clock")) fallback.push_back(wall);
    return make_set(std::move(fallback));
}

struct frame {
    std::uint32_t node;
    hash_value hash;
    std::uint32_t raw_offset;
    std::int64_t trace_start_ns;  // -1 for regions
    const component_set* set;
};

struct throttle_state {
    std::uint64_t count = 0;
    double sum_ns = 0.0;
    bool throttled = false;
};

// This thread's copy of one default set, refreshed when set_default or the settings change.
struct cached_set {
    std::shared_ptr<const component_set> set;
    std::uint32_t set_generation = 0;
    std::uint32_t settings_gen = ~0u;
};

struct thread_state {
    std::vector<frame> frames;
    std::vector<double> raw;
    cached_set sets[set_kinds];
    std::unordered_map<hash_value, throttle_state> throttles;
    std::uint32_t suppressed = 0;  // open throttled traces (pushed but not measured)
    thread_state() {
        frames.reserve(32);
        raw.reserve(256);
    }
};

// initial-exec: one TLS load instead of a __tls_get_addr call on every region push/pop.
thread_local thread_state* this_state_ptr TIMEMORY_INITIAL_EXEC = nullptr;
struct state_owner {
    ~state_owner() {
        // A thread, or the program returning from main, ending inside regions: close them now,
        // while the thread's graph still exists (it was created before this owner, so it is
        // destroyed after it), so that their time is kept for the outputs written at exit.
        if (this_state_ptr != nullptr && !this_state_ptr->frames.empty()) {
            const auto closed = ::tim::region::close_all();
            log::warning(closed, " region(s) still open when their thread ended were closed so ",
                         "their time is kept");
        }
        delete this_state_ptr;
        this_state_ptr = nullptr;
    }
};
thread_local state_owner this_state_owner;

thread_state& state() {
    if (TIMEMORY_UNLIKELY(this_state_ptr == nullptr)) {
        (void)this_thread_graph();  // constructed first, so destroyed after the owner
        (void)&this_state_owner;    // make sure the owner is constructed on this thread
        this_state_ptr = new thread_state{};
    }
    return *this_state_ptr;
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
            h.history.push_back(h.set);
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
    const hash_value hash = hash_label(name);
    if (trace) {
        auto it = st.throttles.find(hash);
        if (it != st.throttles.end() && it->second.throttled) {
            st.frames.push_back(frame{no_node, hash, 0, -2, nullptr});
            return;
        }
    }
    const auto& set = current_set(st, trace ? trace_set : region_set);
    auto& graph = this_thread_graph();
    // The text is registered once per new node; an observer (NVTX) names the range at the push
    // itself, so with one installed it is registered first.
    if (TIMEMORY_UNLIKELY(detail::region_observer_now() != nullptr)) add_label(name);
    const auto before = graph.nodes().size();
    const std::uint32_t node = graph.push(hash);
    if (graph.nodes().size() != before) add_label(name);  // a new node: remember its text
    const auto offset = static_cast<std::uint32_t>(st.raw.size());
    st.raw.resize(offset + set.raw_total);
    double* raw = st.raw.data() + offset;
    for (const auto* c : set.items) {
        c->sample(raw);
        raw += c->raw_count;
    }
    st.frames.push_back(frame{node, hash, offset, trace ? now_ns() : -1, &set});
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

// Close frame i of this thread's stack: record its components and pop its node.
void close_frame(thread_state& st, std::size_t i) {
    const frame f = st.frames[i];
    st.frames.erase(st.frames.begin() + static_cast<std::ptrdiff_t>(i));
    if (f.trace_start_ns == -2) return;  // throttled trace: nothing was measured
    auto& graph = this_thread_graph();
    double stop[max_component_raw];
    double values[max_component_values];
    const double* start = st.raw.data() + f.raw_offset;
    for (const auto* c : f.set->items) {
        c->sample(stop);
        if (c->finish != nullptr) {
            // Value known later (GPU timers): the component attaches it to the node itself.
            c->finish(start, stop, f.node != no_node ? graph.global_id(f.node) : no_node_id);
        } else {
            c->compute(start, stop, values);
            graph.record(f.node, *c, values);
        }
        start += c->raw_count;
    }
    graph.pop(f.node);
    if (f.trace_start_ns >= 0) update_throttle(st, f.hash, now_ns() - f.trace_start_ns);
    if (st.frames.empty()) {
        st.raw.clear();
    } else if (i == st.frames.size()) {
        st.raw.resize(f.raw_offset);  // it was the top frame
    }
}

bool close(std::string_view name) {
    if (this_state_ptr == nullptr || this_state_ptr->frames.empty()) {
        // Runtime off: pops are as silent as pushes (regions opened before disabling are still
        // closed below, so nothing measured is lost).
        if (is_enabled()) log::warning("pop of '", name, "' without a matching push; ignored");
        return false;
    }
    auto& st = *this_state_ptr;
    const hash_value hash = hash_label(name);
    for (std::size_t i = st.frames.size(); i-- > 0;) {
        if (st.frames[i].hash == hash) {
            close_frame(st, i);
            return true;
        }
    }
    log::warning("pop of '", name, "' without a matching push; ignored");
    return false;
}

void replace_default(set_kind kind, std::string_view components) {
    auto set = make_set(registry::parse_list(components));  // throws before changing anything
    auto& h = holder(kind);
    std::lock_guard<std::mutex> lock{h.mutex};
    h.set = std::move(set);
    h.history.push_back(h.set);
    h.explicit_choice = true;
    h.generation.fetch_add(1, std::memory_order_release);
}

}  // namespace

void set_default(std::string_view components) { replace_default(region_set, components); }

std::vector<const component_info*> default_components() {
    return current_set(state(), region_set).items;
}

void set_trace_default(std::string_view components) { replace_default(trace_set, components); }

std::vector<const component_info*> trace_default_components() {
    return current_set(state(), trace_set).items;
}

void push(std::string_view name) { open(name, false); }
bool pop(std::string_view name) { return close(name); }
void push_trace(std::string_view name) { open(name, true); }
bool pop_trace(std::string_view name) { return close(name); }

bool is_throttled(std::string_view name) {
    if (this_state_ptr == nullptr) return false;
    auto it = this_state_ptr->throttles.find(hash_label(name));
    return it != this_state_ptr->throttles.end() && it->second.throttled;
}

std::size_t close_all() {
    std::size_t closed = 0;
    while (this_state_ptr != nullptr && !this_state_ptr->frames.empty()) {
        close_frame(*this_state_ptr, this_state_ptr->frames.size() - 1);
        ++closed;
    }
    return closed;
}

std::size_t open_count() { return this_state_ptr ? this_state_ptr->frames.size() : 0; }

}  // namespace tim::region
