// Private to host/src: cheap repeated reads of small /proc/self files.
#pragma once

#include <cstddef>
#include <string>

namespace tim::component::detail {

enum class proc_file : unsigned { statm, io };

/// Read the whole file into buf (NUL-terminated, at most size - 1 bytes). Returns the length,
/// or -1 when the file cannot be opened or read. Uses a descriptor cached per thread and one
/// pread at offset 0, which makes the kernel regenerate the contents.
long read_proc_file(proc_file file, char* buf, std::size_t size) noexcept;

/// "" when the file can be read here, else a sentence naming the file and the error.
std::string proc_file_unreadable(proc_file file);

}  // namespace tim::component::detail
