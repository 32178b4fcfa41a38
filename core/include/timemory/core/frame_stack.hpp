// A thread's open measurements: each frame is a node pushed on the thread's graph with the start
// samples of the component set measuring it. Regions by name, Python markers and the function
// profiler each keep one stack per thread; closing a frame follows component_set.hpp's order.
//
//   thread_local tim::frame_stack* t_frames TIMEMORY_INITIAL_EXEC = nullptr;
//   auto& frames = tim::thread_frame_stack(t_frames, "marker");
//   frames.open(set, hash, key);                 // push + start samples
//   frames.close(frames.find_last(key));         // stop samples, record, pop
//
// A frame carries a key (what its closer looks for: a label hash, a marker id, a Python frame)
// and one word of the owner's data. When a thread ends with frames still open, the core closes
// them (innermost first) so that their time is kept, and says how many in one warning. So does
// finalize() for the calling thread's frames and running bundles (open_scope.hpp).
//
// Frames are closed on the thread that opened them; nothing here locks.
#pragma once

#include "timemory/core/component_set.hpp"
#include "timemory/core/graph.hpp"
#include "timemory/core/label.hpp"
#include "timemory/core/macros.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace tim {

struct open_frame {
    std::uint64_t key;         ///< what the owner closes it by
    std::uint64_t data;        ///< the owner's word (a start time, a second key)
    const component_set* set;  ///< nullptr: nothing measured (opened while off, throttled)
    std::uint32_t node;        ///< node on this thread's graph (no_node beyond max_depth)
    std::uint32_t raw_offset;  ///< start samples in the stack's sample buffer
    bool observed;             ///< the push was shown to the region observer (NVTX)
};

class frame_stack {
  public:
    static constexpr std::size_t npos = static_cast<std::size_t>(-1);

    /// `owner` names the frames in the warning about frames left open at thread end.
    explicit frame_stack(const char* owner);

    /// Push `hash` on this thread's graph and take `set`'s start samples. `set` must outlive the
    /// frame. `Fast`: see component_set::sample.
    template <typename Fast = void>
    TIMEMORY_INLINE void open(const component_set& set, hash_value hash, std::uint64_t key,
                              std::uint64_t data = 0, scope_mode mode = scope_mode::use_default,
                              bool observed = true) {
        const std::uint32_t node = this_thread_graph().push(hash, mode, observed);
        const std::uint32_t offset = next_offset();
        const std::size_t need = std::size_t{offset} + set.raw_total();
        if (TIMEMORY_UNLIKELY(m_raw.size() < need)) grow(need);
        m_frames.push_back(open_frame{key, data, &set, node, offset, observed});
        set.sample<Fast>(m_raw.data() + offset);
    }

    /// A frame that measures nothing (opened while measurement is off, a throttled trace): its
    /// close only removes it.
    void open_unmeasured(std::uint64_t key, std::uint64_t data = 0) {
        m_frames.push_back(open_frame{key, data, nullptr, no_node, next_offset(), false});
    }

    /// Close frame `i`: stop samples, record (`values`: see component_set::record), pop. Returns
    /// the closed frame.
    template <typename Fast = void>
    TIMEMORY_INLINE open_frame close(std::size_t i, double* values = nullptr) {
        const open_frame f = m_frames[i];
        if (TIMEMORY_LIKELY(f.set != nullptr)) {
            const component_set& set = *f.set;
            if (TIMEMORY_UNLIKELY(m_stop.size() < set.raw_total())) m_stop.resize(set.raw_total());
            set.sample_reverse<Fast>(m_stop.data());
            auto& graph = this_thread_graph();
            set.record(graph, f.node, m_raw.data() + f.raw_offset, m_stop.data(), values);
            graph.pop(f.node, f.observed);
        }
        if (TIMEMORY_LIKELY(i + 1 == m_frames.size())) {
            m_frames.pop_back();
        } else {
            m_frames.erase(m_frames.begin() + static_cast<std::ptrdiff_t>(i));
        }
        return f;
    }

    template <typename Fast = void>
    TIMEMORY_INLINE open_frame close_top(double* values = nullptr) {
        return close<Fast>(m_frames.size() - 1, values);
    }

    /// Index of the most recent frame with this key, or npos.
    std::size_t find_last(std::uint64_t key) const noexcept {
        for (std::size_t i = m_frames.size(); i-- > 0;) {
            if (m_frames[i].key == key) return i;
        }
        return npos;
    }

    /// Close every open frame, innermost first; returns how many.
    std::size_t close_all();

    /// Take every open frame's start samples again (a forked child: its clocks restart).
    void restart_all() noexcept;

    bool empty() const noexcept { return m_frames.empty(); }
    std::size_t size() const noexcept { return m_frames.size(); }
    const open_frame& top() const noexcept { return m_frames.back(); }
    const open_frame& operator[](std::size_t i) const noexcept { return m_frames[i]; }
    const char* owner() const noexcept { return m_owner; }

  private:
    // Start samples stack up above the top frame's; a frame closed out of order leaves a gap
    // until the frames above it close.
    std::uint32_t next_offset() const noexcept {
        if (m_frames.empty()) return 0;
        const open_frame& t = m_frames.back();
        return t.raw_offset + (t.set != nullptr ? t.set->raw_total() : 0u);
    }
    TIMEMORY_NOINLINE void grow(std::size_t need);

    std::vector<open_frame> m_frames;
    std::vector<double> m_raw;   ///< start samples of the open frames
    std::vector<double> m_stop;  ///< scratch: stop samples of the frame being closed
    const char* m_owner;
};

/// Create this thread's frame stack for `slot` (a thread_local pointer of the caller, null until
/// now). The core owns it: when the thread ends, its open frames are closed (with one warning
/// naming `owner` and the count) while the thread's graph still exists, then it is freed and
/// `slot` set back to null.
TIMEMORY_NOINLINE frame_stack& create_thread_frame_stack(frame_stack*& slot, const char* owner);

/// This thread's frame stack for `slot`: the one already there, else a new one
/// (create_thread_frame_stack).
TIMEMORY_INLINE frame_stack& thread_frame_stack(frame_stack*& slot, const char* owner) {
    frame_stack* f = slot;
    return TIMEMORY_LIKELY(f != nullptr) ? *f : create_thread_frame_stack(slot, owner);
}

/// Close every frame the calling thread has open, in all its stacks, and every bundle it has
/// running (open_scope.hpp), innermost first in the order its graph opened them, so that their
/// time is kept; each stack that had some says how many in one warning: "<n> <owner>(s) still
/// open <when> were closed so their time is kept" (bundles: "<n> scope(s) ..."). Returns the
/// total. finalize() calls it (settings.stack_clearing).
std::size_t close_thread_frames(std::string_view when);

/// A forked child: the calling thread's open frames and running bundles take their start
/// samples again, so that they measure from the fork (the child's cpu clocks restart at zero).
void restart_thread_frames() noexcept;

/// One warning naming the regions still open on other live threads, which cannot be closed from
/// here (their samples are the other thread's): "regions still open on other threads <when> are
/// kept without the time of their open call: thread 0: outer > inner". The outputs list them as
/// rows (collect_results). Returns how many.
std::size_t warn_frames_open_elsewhere(std::string_view when);

}  // namespace tim
