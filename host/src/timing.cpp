// Registry entries of the clock and CPU-utilisation components (timemory/components/timing.hpp).
#include "timemory/components/timing.hpp"

#include "registrar.hpp"

namespace tim::component {
namespace {

// Raw values are whole nanoseconds.
component_info clock_info(std::string_view id, std::vector<std::string_view> aliases,
                          std::string_view label, std::string_view class_name,
                          std::string_view description) {
    return detail::describe_component(id, std::move(aliases), label, class_name, unit_kind::timing,
                                      true, description);
}

component_info util_info(std::string_view id, std::vector<std::string_view> aliases,
                         std::string_view label, std::string_view class_name,
                         std::string_view description) {
    return detail::describe_component(id, std::move(aliases), label, class_name, unit_kind::percent,
                                      false, description);
}

struct registrar {
    registrar() {
        using detail::register_component;
        register_component<wall_clock>(clock_info("wall_clock", {"real_clock", "virtual_clock"},
                                                  "wall", "WallClock",
                                                  "Real-clock timer (i.e. wall-clock timer)"));
        register_component<system_clock>(clock_info("system_clock", {"sys_clock"}, "sys",
                                                    "SysClock",
                                                    "CPU time the process spent in kernel mode"));
        register_component<user_clock>(clock_info("user_clock", {}, "user", "UserClock",
                                                  "CPU time the process spent in user mode"));
        register_component<cpu_clock>(
            clock_info("cpu_clock", {}, "cpu", "CpuClock",
                       "Total CPU time spent in both user- and kernel-mode"));
        register_component<monotonic_clock>(
            clock_info("monotonic_clock", {}, "monotonic_clock", "MonotonicClock",
                       "Monotonic wall-clock timer, unaffected by changes to the time of day"));
        register_component<monotonic_raw_clock>(
            clock_info("monotonic_raw_clock", {}, "monotonic_raw_clock", "MonotonicRawClock",
                       "Monotonic wall-clock timer read from the hardware clock without NTP "
                       "frequency adjustment"));

        component_info thread_cpu =
            clock_info("thread_cpu_clock", {"cpu_thread_clock"}, "thread_cpu", "ThreadCpuClock",
                       "CPU time of the calling thread");
        thread_cpu.thread_scope_only = true;
        register_component<thread_cpu_clock>(std::move(thread_cpu));

        register_component<process_cpu_clock>(
            clock_info("process_cpu_clock", {"cpu_process_clock"}, "process_cpu", "ProcessCpuClock",
                       "CPU time of the whole process (all threads)"));
        register_component<cpu_util>(util_info("cpu_util", {"cpu_utilization"}, "cpu_util",
                                               "CpuUtil",
                                               "CPU time as a percentage of wall-clock time"));
        register_component<process_cpu_util>(
            util_info("process_cpu_util",
                      {"process_cpu_utilization", "cpu_process_util", "cpu_process_utilization"},
                      "proc_cpu_util", "ProcessCpuUtil",
                      "Process CPU time (all threads) as a percentage of wall-clock time"));

        component_info thread_util =
            util_info("thread_cpu_util",
                      {"thread_cpu_utilization", "cpu_thread_util", "cpu_thread_utilization"},
                      "thread_cpu_util", "ThreadCpuUtil",
                      "Calling thread's CPU time as a percentage of wall-clock time");
        thread_util.thread_scope_only = true;
        register_component<thread_cpu_util>(std::move(thread_util));
    }
};

const registrar registered;

}  // namespace
}  // namespace tim::component
