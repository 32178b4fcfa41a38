// /proc/self/io reading and the registry entries of the I/O components
// (timemory/components/io.hpp).
#include "timemory/components/io.hpp"

#include "proc_file.hpp"
#include "registrar.hpp"

#include <string_view>

namespace tim::component {
namespace detail {

double proc_io_bytes(proc_io_field field) noexcept {
    // "key: value" lines: rchar, wchar, syscr, syscw, read_bytes, write_bytes,
    // cancelled_write_bytes. Keys are matched by name rather than by line number.
    static constexpr std::string_view keys[] = {"rchar:", "wchar:", "read_bytes:", "write_bytes:"};
    char buf[512];
    const long n = read_proc_file(proc_file::io, buf, sizeof(buf));
    if (n <= 0) return 0.0;
    const std::string_view text{buf, static_cast<std::size_t>(n)};
    const std::string_view key = keys[static_cast<unsigned>(field)];
    for (std::size_t pos = 0; pos < text.size();) {
        const std::size_t eol = text.find('\n', pos);
        const std::string_view line = text.substr(pos, eol - pos);
        if (line.starts_with(key)) {
            unsigned long long value = 0;
            for (char c : line.substr(key.size())) {
                if (c >= '0' && c <= '9') value = value * 10 + static_cast<unsigned>(c - '0');
            }
            return static_cast<double>(value);
        }
        if (eol == std::string_view::npos) break;
        pos = eol + 1;
    }
    return 0.0;
}

}  // namespace detail

namespace {

std::string io_unreadable() {
    return detail::proc_file_unreadable(detail::proc_file::io);
}

template <typename C>
void register_io(std::string_view id, std::vector<std::string_view> aliases,
                 std::string_view class_name, std::string_view rate_label,
                 std::string_view description, std::string_view amount_description,
                 std::string_view rate_description) {
    // Amount and rate: not integral, since the rate is a quotient.
    component_info info = detail::describe_component(id, std::move(aliases), id, class_name,
                                                     unit_kind::memory, false, description);
    info.values = {{id, amount_description, unit_kind::memory},
                   {rate_label, rate_description, unit_kind::rate}};
    info.unavailable = io_unreadable;
    detail::register_component<C>(std::move(info));
}

struct registrar {
    registrar() {
        register_io<read_char>("read_char", {"rchar"}, "ReadChar", "read_rate",
                               "Bytes read by read()-family calls, page cache included",
                               "Bytes read", "Bytes read per second of wall time");
        register_io<written_char>("written_char", {"write_char", "wchar"}, "WrittenChar",
                                  "written_rate",
                                  "Bytes written by write()-family calls, page cache included",
                                  "Bytes written", "Bytes written per second of wall time");
        register_io<read_bytes>("read_bytes", {}, "ReadBytes", "read_rate",
                                "Bytes fetched from the storage layer", "Bytes read from storage",
                                "Bytes read from storage per second of wall time");
        register_io<written_bytes>("written_bytes", {"write_bytes"}, "WrittenBytes", "written_rate",
                                   "Bytes sent to the storage layer", "Bytes written to storage",
                                   "Bytes written to storage per second of wall time");
    }
};

const registrar registered;

}  // namespace
}  // namespace tim::component
