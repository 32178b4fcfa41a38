#include "nvtx/nvtx_ranges.hpp"

#include "nvtx/nvtx_labels.hpp"

#include "timemory/core/macros.hpp"

#include <atomic>
#include <cstddef>
#include <vector>

namespace tim::gpu::nvtx {
namespace {

struct open_range {
    std::uint64_t node;
    hash_value hash;
    const label_entry* label;  ///< nullptr: not pushed to NVTX yet (text unknown at push)
};

// One object per thread, so that a push costs one thread-local lookup for both the label cache
// and the stack.
struct thread_ranges {
    label_cache labels;
    std::vector<open_range> stack;
    /// The top range waits for its label's text. Callers such as tim::region::push register the
    /// text of a new label only after the graph push (and so this observer) returned; the range
    /// is pushed at the thread's next push or pop, when the text is there.
    bool pending = false;
    thread_ranges() { stack.reserve(64); }
};

std::atomic<std::int64_t> open_total{0};

// Plain pointers (no destructor of their own), so that regions closed while the thread or the
// process exits (finalize at exit closing what is still open) find nullptr instead of a
// destroyed object, and are ignored.
thread_local thread_ranges* this_thread_ranges = nullptr;
thread_local bool this_thread_finished = false;

struct ranges_owner {
    ~ranges_owner() {
        if (this_thread_ranges != nullptr) {
            // What this thread leaves open is never popped: stop counting it.
            open_total.fetch_sub(static_cast<std::int64_t>(this_thread_ranges->stack.size()),
                                 std::memory_order_relaxed);
            delete this_thread_ranges;
            this_thread_ranges = nullptr;
        }
        this_thread_finished = true;
    }
};
thread_local ranges_owner this_thread_owner;

TIMEMORY_NOINLINE thread_ranges* create_ranges() noexcept {
    if (this_thread_finished) return nullptr;
    try {
        (void)&this_thread_owner;  // constructs the owner, whose destructor frees the ranges
        this_thread_ranges = new thread_ranges{};
    } catch (...) {
        return nullptr;  // out of memory: this thread is not mirrored
    }
    return this_thread_ranges;
}

TIMEMORY_INLINE thread_ranges* ranges() noexcept {
    thread_ranges* t = this_thread_ranges;
    return TIMEMORY_LIKELY(t != nullptr) ? t : create_ranges();
}

TIMEMORY_NOINLINE const label_entry* miss(thread_ranges& t, nvtxDomainHandle_t domain,
                                          hash_value hash) noexcept {
    const label_entry* entry = shared_label(domain, hash, false);
    if (entry != nullptr) {
        try {
            t.labels.insert(hash, entry);
        } catch (...) {
            // Not cached: the next push of this label looks it up in the shared table again.
        }
    }
    return entry;
}

TIMEMORY_INLINE const label_entry* find(thread_ranges& t, nvtxDomainHandle_t domain,
                                        hash_value hash) noexcept {
    const label_entry* entry = t.labels.find(hash);
    return TIMEMORY_LIKELY(entry != nullptr) ? entry : miss(t, domain, hash);
}

TIMEMORY_NOINLINE void resolve_pending(thread_ranges& t, nvtxDomainHandle_t domain) noexcept {
    t.pending = false;
    open_range& top = t.stack.back();
    const label_entry* entry = find(t, domain, top.hash);
    // Still no text (a caller that never registers it): "unknown-hash=<n>" rather than nothing.
    if (entry == nullptr) entry = shared_label(domain, top.hash, true);
    if (entry == nullptr) {
        t.stack.pop_back();  // cannot be named at all (out of memory): not mirrored
        open_total.fetch_sub(1, std::memory_order_relaxed);
        return;
    }
    top.label = entry;
    nvtxDomainRangePushEx(domain, &entry->attributes);
}

TIMEMORY_NOINLINE bool grow(thread_ranges& t) noexcept {
    try {
        t.stack.reserve(t.stack.capacity() * 2 + 16);
        return true;
    } catch (...) {
        return false;
    }
}

TIMEMORY_NOINLINE bool pop_out_of_order(thread_ranges& t, nvtxDomainHandle_t domain,
                                        std::uint64_t node) noexcept {
    const std::size_t size = t.stack.size();
    for (std::size_t i = size; i-- > 0;) {
        if (t.stack[i].node != node) continue;
        for (std::size_t k = size; k-- > i;) nvtxDomainRangePop(domain);
        // Only the top can be pending, and pop_range resolved it: every label is set here.
        for (std::size_t k = i + 1; k < size; ++k)
            nvtxDomainRangePushEx(domain, &t.stack[k].label->attributes);
        t.stack.erase(t.stack.begin() + static_cast<std::ptrdiff_t>(i));
        open_total.fetch_sub(1, std::memory_order_relaxed);
        return true;
    }
    return false;  // opened before the observer was installed: never mirrored
}

}  // namespace

void push_range(nvtxDomainHandle_t domain, hash_value hash, std::uint64_t node) noexcept {
    thread_ranges* tr = ranges();
    if (TIMEMORY_UNLIKELY(tr == nullptr)) return;
    thread_ranges& t = *tr;
    if (TIMEMORY_UNLIKELY(t.pending)) resolve_pending(t, domain);
    if (TIMEMORY_UNLIKELY(t.stack.size() == t.stack.capacity()) && !grow(t)) return;
    const label_entry* entry = find(t, domain, hash);
    t.stack.push_back(open_range{node, hash, entry});
    open_total.fetch_add(1, std::memory_order_relaxed);
    if (TIMEMORY_LIKELY(entry != nullptr)) {
        nvtxDomainRangePushEx(domain, &entry->attributes);
    } else {
        t.pending = true;
    }
}

bool pop_range(nvtxDomainHandle_t domain, std::uint64_t node) noexcept {
    thread_ranges* tr = this_thread_ranges;  // a thread that never pushed has nothing to pop
    if (tr == nullptr) return false;
    thread_ranges& t = *tr;
    if (TIMEMORY_UNLIKELY(t.pending)) resolve_pending(t, domain);
    if (TIMEMORY_UNLIKELY(t.stack.empty())) return false;
    if (TIMEMORY_LIKELY(t.stack.back().node == node)) {
        nvtxDomainRangePop(domain);
        t.stack.pop_back();
        open_total.fetch_sub(1, std::memory_order_relaxed);
        return true;
    }
    return pop_out_of_order(t, domain, node);
}

std::int64_t open_ranges() noexcept {
    return open_total.load(std::memory_order_relaxed);
}

}  // namespace tim::gpu::nvtx
