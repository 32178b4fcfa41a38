// Shared by the tests that run a program in a forked child and read back the files it wrote
// (test_exit_paths.cpp, test_open_scopes.cpp, test_fork.cpp, ...): a fresh folder per test
// process, a fresh start as a program's, the child's exit status, and the rows of a component's
// <label>.json.
#pragma once

#include "timemory/core/manager.hpp"
#include "timemory/core/settings.hpp"

#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace child_test {

namespace fs = std::filesystem;

/// <tmp>/<name>-<pid>, emptied and created.
inline fs::path fresh_dir(const std::string& name) {
    const fs::path dir = fs::temp_directory_path() / (name + "-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir;
}

/// In the child, a fresh start as a program's (when the whole test binary runs in one process, an
/// earlier test may have finalized it, or turned outputs off): init as `argv0`, every output
/// file written to `out` at finalize or exit, nothing on the console.
inline void start_program(const std::string& argv0, const fs::path& out) {
    tim::init(std::vector<std::string>{argv0});
    auto& s = tim::settings::instance();
    s.output_path = out.string();
    s.auto_output = true;
    s.file_output = true;
    s.cout_output = false;
    s.changed();
}

/// The whole file ("" when missing).
inline std::string read_file(const fs::path& path) {
    std::ifstream in{path};
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

/// Forks a child that runs `body` with its stderr in the file `err`, then ends with _exit(0);
/// returns its pid (not waited for).
template <typename Body>
pid_t start_child_with_stderr(const fs::path& err, Body&& body) {
    std::fflush(stderr);
    const pid_t child = ::fork();
    if (child == 0) {
        const int fd = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd < 0 || ::dup2(fd, STDERR_FILENO) < 0) ::_exit(3);
        body();
        std::fflush(stderr);
        ::_exit(0);
    }
    return child;
}

/// waitpid's status of `child`, or -1.
inline int wait_child(pid_t child) {
    int status = 0;
    return ::waitpid(child, &status, 0) == child ? status : -1;
}

/// The rows of `<out>/<label>.json` for component `id` (an empty array when the file is missing).
inline nlohmann::json graph_rows(const fs::path& out, const std::string& id,
                                 const std::string& label) {
    std::ifstream in{out / (label + ".json")};
    if (!in.good()) return nlohmann::json::array();
    return nlohmann::json::parse(in).at("timemory").at(id).at("ranks").at(0).at("graph");
}

/// The row whose prefix is `prefix` (">>> |_inner"), or nullptr.
inline const nlohmann::json* row_of(const nlohmann::json& rows, const std::string& prefix) {
    for (const auto& row : rows) {
        if (row.at("prefix") == prefix) return &row;
    }
    return nullptr;
}

}  // namespace child_test
