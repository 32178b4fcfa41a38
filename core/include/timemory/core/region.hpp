// Regions by name (what the C API, Fortran and Python's region/trace modules call): each region
// measures the default component set, kept per thread in a stack of open frames. Traces keep a
// default set of their own, as timemory's TRACE_COMPONENTS did, so that choosing what traces
// measure never changes what regions measure, and the reverse.
#pragma once

#include "timemory/core/component_info.hpp"

#include <string_view>
#include <vector>

namespace tim::region {

/// Replace the default components of regions ("wall_clock,peak_rss"); traces keep theirs.
/// Throws unknown_component for an unknown name and std::invalid_argument for a list that names
/// no component ("", ",,,"); the previous set stays in either case.
void set_default(std::string_view components);
/// The components regions measure now: set_default's choice, else settings.components, else
/// settings.global_components, else wall_clock.
std::vector<const component_info*> default_components();

/// Replace the default components of traces; regions keep theirs. Throws as set_default does.
void set_trace_default(std::string_view components);

/// set_default for callers that cannot catch (the C API): an unknown name costs only itself.
/// Every name known: the set is replaced, true. Otherwise one warning that starts with `caller`
/// and names each unknown name with its close matches, and false; the known names that can
/// measure still replace the set, and with none of those (a blank list, only unknown names) the
/// previous set stays.
bool set_default_keep_known(std::string_view components, std::string_view caller);
/// set_default_keep_known for the traces' set.
bool set_trace_default_keep_known(std::string_view components, std::string_view caller);
/// The components traces measure now: set_trace_default's choice, else settings.trace_components,
/// else settings.components, else settings.global_components, else wall_clock (never
/// set_default's choice).
std::vector<const component_info*> trace_default_components();

/// Open a region on this thread.
void push(std::string_view name);
/// Close the most recent open region with this name; warns (once per call) when none is open.
/// Returns whether a region was closed.
bool pop(std::string_view name);

/// Traces are regions subject to throttling (settings.throttle_count, throttle_value) that
/// measure the trace default set.
void push_trace(std::string_view name);
bool pop_trace(std::string_view name);
bool is_throttled(std::string_view name);

/// Close every region still open on this thread (innermost first) so its time is kept;
/// finalize() calls it when settings.stack_clearing is on. Returns how many were closed.
std::size_t close_all();

/// Number of regions open on this thread.
std::size_t open_count();

}  // namespace tim::region
