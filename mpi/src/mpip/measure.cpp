// The measuring side of libtimemory-mpip: which calls are wrapped, which components measure them,
// the mpi_bytes component, and the rows. See measure.hpp.
#include "measure.hpp"

#include "timemory/core/close_matches.hpp"
#include "timemory/core/component_set.hpp"
#include "timemory/core/label.hpp"
#include "timemory/core/log.hpp"
#include "timemory/core/registry.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <exception>
#include <iterator>
#include <mutex>

namespace tim::mpip {

thread_local byte_counters t_bytes TIMEMORY_INITIAL_EXEC{};
thread_local bool t_inside TIMEMORY_INITIAL_EXEC = false;
std::array<bool, call_count> g_wrapped{};

namespace {

thread_local frame_stack* t_frames TIMEMORY_INITIAL_EXEC = nullptr;
std::array<hash_value, call_count> g_hash{};
const component_info* g_bytes = nullptr;  // mpi_bytes, once registered

bool same_name(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(a[i])) !=
            std::tolower(static_cast<unsigned char>(b[i])))
            return false;
    }
    return true;
}

// Index of the call `name` names ("MPI_Send", "send"), or call_count.
std::size_t find_call(std::string_view name) {
    for (std::size_t i = 0; i < call_count; ++i) {
        if (same_name(name, call_names[i]) || same_name(name, call_names[i].substr(4))) return i;
    }
    return call_count;
}

template <typename F>
void for_each_name(std::string_view list, F&& f) {
    constexpr std::string_view separators = ",; \t\n";
    std::size_t pos = 0;
    while ((pos = list.find_first_not_of(separators, pos)) != std::string_view::npos) {
        const std::size_t end = list.find_first_of(separators, pos);
        f(list.substr(pos, end - pos));
        pos = end;
    }
}

std::string names_of(const std::vector<const component_info*>& items) {
    std::string out;
    for (const auto* info : items) out.append(out.empty() ? "" : ", ").append(info->id);
    return out;
}

// settings.mpip_components; when empty (or naming nothing that measures here), the components
// regions fall back to (COMPONENTS, then GLOBAL_COMPONENTS, then wall_clock) plus mpi_bytes.
const component_set& resolve_set() {
    const auto& s = settings::instance();
    if (!s.mpip_components.empty()) {
        auto parsed = registry::parse_list_keep_known(s.mpip_components);
        std::string problem;
        for (const auto& bad : parsed.unknown) {
            problem.append(problem.empty() ? "unknown component '" : ", unknown component '")
                .append(bad.name())
                .append("'");
            for (std::size_t i = 0; i < bad.suggestions().size(); ++i) {
                problem.append(i ? ", '" : " (did you mean '")
                    .append(bad.suggestions()[i])
                    .append("'");
            }
            if (!bad.suggestions().empty()) problem += "?)";
        }
        if (!parsed.components.empty()) {
            if (!problem.empty()) {
                const std::string message = "TIMEMORY_MPIP_COMPONENTS=\"" + s.mpip_components +
                                            "\": " + problem + "; MPI calls measure " +
                                            names_of(parsed.components);
                if (log::first_time(message)) log::warning(message);
            }
            return component_set::intern(parsed.components);
        }
        const std::string message =
            "TIMEMORY_MPIP_COMPONENTS=\"" + s.mpip_components +
            "\": " + (problem.empty() ? "no component that can measure here" : problem) +
            "; MPI calls measure the regions' components and mpi_bytes";
        if (log::first_time(message)) log::warning(message);
    }
    std::vector<const component_info*> chosen;
    for (const std::string* spec : {&s.components, &s.global_components}) {
        if (spec->empty()) continue;
        chosen = registry::parse_list_keep_known(*spec).components;  // regions warn about these
        if (!chosen.empty()) break;
    }
    if (chosen.empty()) {
        if (const auto* wall = registry::find("wall_clock")) chosen.push_back(wall);
    }
    if (g_bytes != nullptr && std::find(chosen.begin(), chosen.end(), g_bytes) == chosen.end()) {
        chosen.push_back(g_bytes);
    }
    return component_set::intern(chosen);
}

// This thread's copy of the set, refreshed when the settings change.
struct cached_set {
    const component_set* set = nullptr;
    std::uint32_t generation = 0;
};
thread_local cached_set t_set TIMEMORY_INITIAL_EXEC{};

TIMEMORY_NOINLINE const component_set& refresh_set(std::uint32_t generation) {
    static std::mutex mutex;
    std::lock_guard<std::mutex> lock{mutex};
    t_set.set = &resolve_set();
    t_set.generation = generation;
    return *t_set.set;
}

TIMEMORY_INLINE const component_set& current_set() {
    const auto generation = settings_generation().load(std::memory_order_relaxed);
    if (TIMEMORY_LIKELY(t_set.set != nullptr && t_set.generation == generation)) {
        return *t_set.set;
    }
    return refresh_set(generation);
}

void sample_bytes(double* raw) noexcept {
    raw[0] = t_bytes.sent;
    raw[1] = t_bytes.received;
}

void register_bytes_component() {
    component_info info = describe_component(
        "mpi_bytes", {"mpip_bytes"}, "mpi_bytes", "MpiBytes", unit_kind::memory, true,
        "Bytes the calling thread's MPI calls sent and received (libtimemory-mpip)");
    info.index = registry::dynamic_index;
    info.values = {{"sent", "Bytes sent by MPI calls", unit_kind::memory},
                   {"received", "Bytes received by MPI calls", unit_kind::memory}};
    info.raw_count = 2;
    info.value_count = 2;
    info.sample = &sample_bytes;
    info.thread_scope_only = true;
    g_bytes = registry::at(registry::add(std::move(info)));
}

// One warning per unknown name, with the close matches, else every call that can be wrapped.
void warn_unknown_calls(std::string_view variable, const std::vector<std::string>& names) {
    const std::vector<std::string> calls{std::begin(call_names), std::end(call_names)};
    for (const auto& name : names) {
        const auto close = close_matches(name, calls);
        std::string hint = did_you_mean(close);
        if (close.empty()) {
            hint = " (calls that can be wrapped:";
            for (const auto& call : calls) hint.append(" ").append(call);
            hint += ")";
        }
        log::warning(variable, ": unknown MPI call '", name, "' ignored", hint);
    }
}

// At load: the rows' labels, the selection of calls and the bytes component. An exception
// escaping a static initialiser would end the program, so a failure is reported and the library
// forwards every call unmeasured.
struct registrar {
    registrar() noexcept {
        try {
            for (std::size_t i = 0; i < call_count; ++i) g_hash[i] = add_label(call_names[i]);
            register_bytes_component();
            const char* permit = std::getenv("TIMEMORY_MPIP_PERMIT_LIST");
            const char* reject = std::getenv("TIMEMORY_MPIP_REJECT_LIST");
            std::vector<std::string> unknown[2];
            const auto selected =
                select_calls(permit ? permit : "", reject ? reject : "", unknown[0], unknown[1]);
            warn_unknown_calls("TIMEMORY_MPIP_PERMIT_LIST", unknown[0]);
            warn_unknown_calls("TIMEMORY_MPIP_REJECT_LIST", unknown[1]);
            g_wrapped = selected;
            // A program that never initialises timemory (the wrappers preloaded into an
            // unmodified one) still gets its outputs at exit; one that does finalizes first, and
            // this second call finds nothing left to write.
            std::atexit(finalize_on_exit);
        } catch (const std::exception& e) {
            log::warning("libtimemory-mpip: MPI calls are not measured: ", e.what());
            g_wrapped.fill(false);
        }
    }
};
const registrar registered;

}  // namespace

std::array<bool, call_count> select_calls(std::string_view permit, std::string_view reject,
                                          std::vector<std::string>& unknown_permit,
                                          std::vector<std::string>& unknown_reject) {
    std::array<bool, call_count> selected{};
    bool any_permit = false;
    for_each_name(permit, [&](std::string_view name) {
        any_permit = true;
        const std::size_t i = find_call(name);
        if (i < call_count) {
            selected[i] = true;
        } else {
            unknown_permit.emplace_back(name);
        }
    });
    if (!any_permit) selected.fill(true);
    for_each_name(reject, [&](std::string_view name) {
        const std::size_t i = find_call(name);
        if (i < call_count) {
            selected[i] = false;
        } else {
            unknown_reject.emplace_back(name);
        }
    });
    return selected;
}

void call_scope::open(call c) noexcept {
    const component_set& set = current_set();
    frame_stack& frames = thread_frame_stack(t_frames, "MPI call");
    const hash_value hash = g_hash[static_cast<std::size_t>(c)];
    frames.open(set, hash, hash);
    m_frames = &frames;
}

void call_scope::close() noexcept {
    // A finalize run from inside the call (a signal handler) may have closed the row already.
    if (!m_frames->empty() && t_frames == m_frames) m_frames->close_top();
}

}  // namespace tim::mpip
