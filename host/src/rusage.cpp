// Registry entries of the getrusage counters and mode times (timemory/components/rusage.hpp).
#include "timemory/components/rusage.hpp"

#include "registrar.hpp"

namespace tim::component {

std::atomic<int> detail::rusage_who{RUSAGE_SELF};

namespace {

// Raw values are counts or whole nanoseconds.
component_info rusage_info(std::string_view id, std::vector<std::string_view> aliases,
                           std::string_view label, std::string_view class_name, unit_kind units,
                           std::string_view description) {
    return detail::describe_component(id, std::move(aliases), label, class_name, units, true,
                                      description);
}

struct registrar {
    registrar() {
        using detail::register_component;
        constexpr auto count = unit_kind::count;
        constexpr auto timing = unit_kind::timing;
        register_component<num_major_page_faults>(
            rusage_info("num_major_page_faults", {"major_page_faults"}, "major_page_flts",
                        "NumMajorPageFaults", count, "Page faults that needed disk I/O"));
        register_component<num_minor_page_faults>(
            rusage_info("num_minor_page_faults", {"minor_page_faults"}, "minor_page_flts",
                        "NumMinorPageFaults", count, "Page faults served without disk I/O"));
        register_component<voluntary_context_switch>(rusage_info(
            "voluntary_context_switch", {"vol_ctx_switch"}, "vol_cxt_swch",
            "VoluntaryContextSwitch", count,
            "Context switches where a thread gave up the CPU (blocking, sleeping, waiting)"));
        register_component<priority_context_switch>(rusage_info(
            "priority_context_switch", {"prio_ctx_switch"}, "prio_cxt_swch",
            "PriorityContextSwitch", count, "Context switches where a thread was preempted"));
        register_component<user_mode_time>(rusage_info("user_mode_time", {}, "user_mode",
                                                       "UserModeTime", timing,
                                                       "Process CPU time in user mode (rusage)"));
        register_component<kernel_mode_time>(
            rusage_info("kernel_mode_time", {}, "kernel_mode", "KernelModeTime", timing,
                        "Process CPU time in kernel mode (rusage)"));
        register_component<num_io_in>(rusage_info("num_io_in", {}, "io_in", "NumIoIn", count,
                                                  "Block input operations that reached storage"));
        register_component<num_io_out>(rusage_info("num_io_out", {}, "io_out", "NumIoOut", count,
                                                   "Block output operations sent to storage"));
    }
};

const registrar registered;

}  // namespace
}  // namespace tim::component
