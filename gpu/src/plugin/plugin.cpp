// The plugin's entry point: libtimemory dlopens this library and calls
// timemory_gpu_plugin_register() once (core/src/plugins.cpp). It registers the GPU components
// and owns the one region observer that the NVTX and CUPTI parts share.
#include "counters/counters_catalogue.hpp"
#include "plugin/plugin_parts.hpp"

#include "timemory/core/log.hpp"
#include "timemory/core/macros.hpp"
#include "timemory/core/observer.hpp"
#include "timemory/core/pending.hpp"
#include "timemory/core/registry.hpp"

#include <exception>

namespace tim::gpu::parts {
namespace {

void observe_push(hash_value label, std::uint64_t node) noexcept {
    if (nvtx_observing()) nvtx_push(label, node);
    if (correlation_observing()) correlation_push(label, node);
}

void observe_pop(hash_value label, std::uint64_t node) noexcept {
    // Reverse order of push, so that each part sees properly nested calls.
    if (correlation_observing()) correlation_pop(label, node);
    if (nvtx_observing()) nvtx_pop(label, node);
}

const region_observer observer{&observe_push, &observe_pop};

}  // namespace

void refresh_region_observer() noexcept {
    // Regions already open when the observer appears are not mirrored; each part copes with
    // pops of nodes it never saw pushed.
    if (nvtx_observing() || correlation_observing()) {
        set_region_observer(&observer);
    } else {
        remove_region_observer(&observer);  // someone else's observer stays
    }
}

void start_once(std::atomic<session_state>& state, std::mutex& mutex, const char* component,
                void (*start)()) noexcept {
    // The sessions this thread is starting (one may start another): a sample from inside
    // start() must not wait for itself.
    struct starting_scope {
        const std::atomic<session_state>* state;
        const starting_scope* outer;
    };
    static thread_local const starting_scope* starting_here = nullptr;
    for (auto* s = starting_here; s != nullptr; s = s->outer) {
        if (s->state == &state) return;
    }
    std::lock_guard<std::mutex> lock{mutex};  // held while starting: other threads wait here
    if (state.load() != session_state::off) return;
    state.store(session_state::starting);
    const starting_scope scope{&state, starting_here};
    starting_here = &scope;
    try {
        start();
    } catch (const std::exception& e) {
        log::warning(component, ": could not start: ", e.what());
        state.store(session_state::unavailable);
    } catch (...) {
        log::warning(component, ": could not start: unknown exception");
        state.store(session_state::unavailable);
    }
    starting_here = scope.outer;
}

void finish_nothing(const double*, const double*, std::uint64_t) noexcept {}

void flush_all() noexcept {
    flush_cupti_counters();
    flush_cupti_activity();
    flush_cuda_events();
}

}  // namespace tim::gpu::parts

extern "C" TIMEMORY_VISIBLE int timemory_gpu_plugin_register() {
    using namespace tim;
    // The library may be both linked (CUDA programs use tim::gpu directly) and dlopened by the
    // core: the second call finds everything in place.
    static const int result = [] {
        try {
            for (auto& info : gpu::parts::components()) registry::add(std::move(info));
            add_pending_source(&gpu::parts::flush_all);
            gpu::counters::install_metrics_backend();
            gpu::parts::refresh_region_observer();
            return 0;
        } catch (const std::exception& e) {
            log::warning("GPU plugin: ", e.what());
            return 1;
        }
    }();
    return result;
}
