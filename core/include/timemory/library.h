/**
 * \file timemory/library.h
 * \brief The C interface of timemory, usable from C, C++ and Fortran (bind(C)).
 *
 * Regions are named; each region measures the default components (settings.components, else
 * settings.global_components, else "wall_clock"), chosen with timemory_set_default(). Traces
 * have their own default (settings.trace_components, else the same chain), chosen with
 * timemory_set_trace_default(); neither choice changes the other.
 *
 * \code
 *   #include <timemory/library.h>
 *   int main(int argc, char** argv) {
 *       timemory_init_library(argc, argv);
 *       timemory_set_default("wall_clock,cpu_clock,peak_rss");
 *       timemory_push_region("solve");
 *       solve();
 *       timemory_pop_region("solve");
 *       timemory_finalize_library();
 *   }
 * \endcode
 *
 * Defining TIMEMORY_DISABLE before including this header turns every call into a no-op.
 * Errors never abort the program: an unknown component or a pop without a push prints one
 * warning and the measurements already taken are kept. A misspelt name in a component list
 * costs only itself: the other names are measured.
 */
#ifndef TIMEMORY_LIBRARY_H
#define TIMEMORY_LIBRARY_H

#ifdef __cplusplus
extern "C" {
#endif

#ifndef TIMEMORY_DISABLE

/** \brief Initialise: names the output directory after argv[0] and reads TIMEMORY_* settings.
 *  \param argc argument count (may be 0)  \param argv arguments (may be NULL)  \since 4.0 */
void timemory_init_library(int argc, char** argv);

/** \brief Write every output and release the collected data. A second call does nothing.
 *  \since 4.0 */
void timemory_finalize_library(void);

/** \brief Choose the components measured by regions, e.g. "wall_clock,peak_rss".
 *  \return 0 when every name is known. Otherwise -1 and one warning naming each unknown name
 *  with its close matches: the known names are measured ("wall_clok,cpu_clock" measures
 *  cpu_clock), and a list with none ("", NULL, ",,,", only unknown names) keeps the previous
 *  choice.  \see timemory_set_trace_default  \since 4.0 */
int timemory_set_default(const char* comma_separated_components);

/** \brief Choose the components measured by traces (timemory_push_trace); regions keep theirs.
 *  \return as timemory_set_default.  \since 4.0 */
int timemory_set_trace_default(const char* comma_separated_components);

/** \brief Open a region on the calling thread.  \see timemory_pop_region  \since 4.0 */
void timemory_push_region(const char* name);

/** \brief Close the most recent open region with this name.  \see timemory_push_region */
void timemory_pop_region(const char* name);

/** \brief Like timemory_push_region, but measures the trace components and is subject to
 *  throttling: after settings.throttle_count calls whose mean is below settings.throttle_value
 *  ns, the trace is no longer measured.
 *  \see timemory_pop_trace  \since 4.0 */
void timemory_push_trace(const char* name);

/** \brief Close the most recent open trace with this name.  \see timemory_push_trace */
void timemory_pop_trace(const char* name);

/** \brief 1 if timemory_push_trace(name) is currently throttled on this thread. */
int timemory_is_throttled(const char* name);

#else

#define timemory_init_library(argc, argv) ((void)(argc), (void)(argv))
#define timemory_finalize_library() ((void)0)
#define timemory_set_default(c) ((void)(c), 0)
#define timemory_set_trace_default(c) ((void)(c), 0)
#define timemory_push_region(n) ((void)(n))
#define timemory_pop_region(n) ((void)(n))
#define timemory_push_trace(n) ((void)(n))
#define timemory_pop_trace(n) ((void)(n))
#define timemory_is_throttled(n) ((void)(n), 0)

#endif

#ifdef __cplusplus
}
#endif

#endif /* TIMEMORY_LIBRARY_H */
