// /proc/self/statm reading and the registry entries of the memory components
// (timemory/components/memory.hpp).
#include "timemory/components/memory.hpp"

#include "proc_file.hpp"
#include "registrar.hpp"

#include <unistd.h>

namespace tim::component {
namespace detail {

namespace {
double page_bytes() noexcept {
    static const double bytes = static_cast<double>(::sysconf(_SC_PAGESIZE));
    return bytes;
}
}  // namespace

double statm_bytes(statm_field field) noexcept {
    // Seven decimal page counts on one line: size resident shared text lib data dt.
    char buf[256];
    if (read_proc_file(proc_file::statm, buf, sizeof(buf)) <= 0) return 0.0;
    const char* p = buf;
    unsigned long long pages = 0;
    for (unsigned column = 0; column <= static_cast<unsigned>(field); ++column) {
        while (*p == ' ') ++p;
        pages = 0;
        for (; *p >= '0' && *p <= '9'; ++p) pages = pages * 10 + static_cast<unsigned>(*p - '0');
    }
    return static_cast<double>(pages) * page_bytes();
}

}  // namespace detail

namespace {

std::string statm_unreadable() {
    return detail::proc_file_unreadable(detail::proc_file::statm);
}

// Raw values are whole bytes; the output label is the id.
component_info memory_info(std::string_view id, std::string_view class_name,
                           std::string_view description) {
    return detail::describe_component(id, {}, id, class_name, unit_kind::memory, true, description);
}

struct registrar {
    registrar() {
        using detail::register_component;
        register_component<peak_rss>(memory_info(
            "peak_rss", "PeakRss",
            "Growth of the resident-set high-water mark (zero unless the region set a new peak)"));

        component_info page = memory_info(
            "page_rss", "PageRss",
            "Change in resident memory; unlike peak_rss it falls when memory is released");
        page.unavailable = statm_unreadable;
        register_component<page_rss>(std::move(page));

        component_info current = memory_info("current_peak_rss", "CurrentPeakRss",
                                             "Resident-set high-water mark at start and at stop");
        current.values = {
            {"start peak rss", "High-water mark when the region started", unit_kind::memory},
            {"stop peak rss", "High-water mark when the region stopped", unit_kind::memory},
        };
        register_component<current_peak_rss>(std::move(current));

        component_info virt = memory_info("virtual_memory", "VirtualMemory",
                                          "Change in the mapped virtual address space");
        virt.unavailable = statm_unreadable;
        register_component<virtual_memory>(std::move(virt));
    }
};

const registrar registered;

}  // namespace
}  // namespace tim::component
