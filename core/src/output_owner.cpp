// Result files of one process never replace those another process wrote after this one started.
//
// Every folder that receives result files holds `.timemory-owner.json`: for each output prefix,
// the process that last wrote that prefix's files (pid, host, its start and the end of its write,
// in nanoseconds of the system clock) and their names. A write locks that file (flock) from
// before its first result file until after the record is updated, so two processes that finish
// at the same moment take turns, and the second sees the first's record. The record names a
// process rather than trusting file times: a process's own files (report() then finalize()) are
// told apart from another's exactly, the times compared are taken by the processes with one clock
// at nanosecond resolution (file times are coarse and, on a network file system, the server's),
// and a record that says "being written" survives a writer killed in the middle.
//
// When the record names another process whose write ended after this process started, and some
// of its files are still there, this process writes to "<folder>-<pid>" instead (a forked child's
// name, core/src/fork.cpp), "<folder>-<pid>-2", ... if that is taken too, and says so in one line.
#include "output_internal.hpp"

#include "timemory/core/log.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>
#include <cerrno>
#include <chrono>
#include <filesystem>
#include <thread>

namespace tim::output_detail {
namespace {

namespace fs = std::filesystem;

constexpr const char* k_owner_file = ".timemory-owner.json";
// A write that holds the lock longer than this is taken for a hung process.
constexpr auto k_lock_wait = std::chrono::seconds{60};
constexpr int k_max_folders = 100;

enum class lock_result { locked, unsupported, busy };

lock_result lock(int fd) {
    const auto deadline = std::chrono::steady_clock::now() + k_lock_wait;
    while (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        if (errno == EINTR) continue;
        // File systems without flock (some Lustre and NFS mounts): write without the lock.
        if (errno != EWOULDBLOCK) return lock_result::unsupported;
        if (std::chrono::steady_clock::now() > deadline) return lock_result::busy;
        std::this_thread::sleep_for(std::chrono::milliseconds{10});
    }
    return lock_result::locked;
}

ojson read_record(int fd) {
    std::string text;
    char buffer[4096];
    ssize_t n = 0;
    for (off_t at = 0; (n = ::pread(fd, buffer, sizeof(buffer), at)) > 0; at += n)
        text.append(buffer, static_cast<std::size_t>(n));
    const ojson read = ojson::parse(text, nullptr, /*allow_exceptions=*/false);
    ojson record = ojson::object();
    record["description"] =
        "the process that last wrote the result files of each output prefix in this folder";
    // Empty, or cut short by a crash: no writer known.
    const bool valid = read.is_object() && read.contains("writers") && read["writers"].is_object();
    record["writers"] = valid ? read["writers"] : ojson::object();
    return record;
}

void write_record(int fd, const ojson& record) {
    const std::string text = record.dump(1) + "\n";
    if (::ftruncate(fd, 0) != 0) return;
    std::size_t done = 0;
    while (done < text.size()) {
        const ssize_t n =
            ::pwrite(fd, text.data() + done, text.size() - done, static_cast<off_t>(done));
        if (n <= 0 && errno != EINTR) return;
        if (n > 0) done += static_cast<std::size_t>(n);
    }
}

ojson this_writer(const ojson& files) {
    ojson writer = ojson::object();
    writer["pid"] = static_cast<long long>(::getpid());
    writer["host"] = host_name();
    writer["start_ns"] = process_start_ns();
    writer["written_ns"] = now_ns();
    writer["files"] = files;
    return writer;
}

/// Another process's write that one here would replace: who ("process <pid> on <host>") and
/// which of its files are still there.
struct other_write {
    std::string who;
    std::string files;
    bool found() const noexcept { return !who.empty(); }
};

/// Nothing found when the record is this process's, older than this process, or its files are
/// gone.
other_write newer_write_of_another(const ojson& writer, const std::string& directory) {
    if (!writer.is_object()) return {};
    const auto pid = writer.value("pid", -1LL);
    const auto start = writer.value("start_ns", std::int64_t{0});
    const auto host = writer.value("host", std::string{});
    if (pid == ::getpid() && start == process_start_ns() && host == host_name()) return {};
    if (writer.value("written_ns", std::int64_t{0}) < process_start_ns()) return {};
    other_write other{"process " + std::to_string(pid) + " on " + host, {}};
    const auto it = writer.find("files");
    if (it == writer.end() || !it->is_array()) {
        other.files = "still being written, or its writer was killed";
        return other;
    }
    for (const auto& name : *it) {
        if (!name.is_string()) continue;
        std::error_code ec;
        if (!fs::exists(join_path(directory, name.get<std::string>()), ec)) continue;
        other.files.append(other.files.empty() ? "" : ", ").append(name.get<std::string>());
    }
    return other.files.empty() ? other_write{} : other;
}

/// "<folder>-<pid>" ("-<n>" after it for the n-th try); for the current folder (".", "")
/// "<folder>/timemory-output-<pid>".
std::string beside(const std::string& directory, int n) {
    std::string base = directory;
    while (base.size() > 1 && base.back() == '/') base.pop_back();
    const std::string leaf = fs::path{base}.filename().string();
    if (base.empty() || leaf == "." || leaf == "..") base = join_path(base, "timemory-output");
    base.append(1, '-').append(std::to_string(::getpid()));
    if (n > 1) base.append(1, '-').append(std::to_string(n));
    return base;
}

}  // namespace

directory_claim::directory_claim(const std::string& directory, const std::string& prefix,
                                 std::error_code& ec)
    : m_directory{directory}, m_prefix{prefix} {
    other_write other;  // what the first folder holds, for the one line
    for (int n = 0; n < k_max_folders; ++n) {
        const std::string folder = n == 0 ? directory : beside(directory, n);
        if (n > 0 && !fs::create_directories(folder, ec) && ec) return;
        m_directory = folder;
        const std::string marker = join_path(folder, k_owner_file);
        const int fd = ::open(marker.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
        // No record can be kept here (a read-only folder): writing the files says what is wrong.
        if (fd < 0) break;
        const lock_result locked = lock(fd);
        other_write taken;
        ojson record;
        if (locked == lock_result::busy) {
            taken = {"a process that has held its lock for " + std::to_string(k_lock_wait.count()) +
                         " s",
                     "still being written, or its writer hangs"};
        } else {
            record = read_record(fd);
            const auto it = record["writers"].find(prefix);
            if (it != record["writers"].end()) taken = newer_write_of_another(*it, folder);
        }
        if (taken.found()) {
            if (n == 0) other = taken;
            if (locked == lock_result::locked) ::flock(fd, LOCK_UN);
            ::close(fd);
            continue;
        }
        // Claimed: "being written" until the destructor lists the files.
        record["writers"][prefix] = this_writer(nullptr);
        write_record(fd, record);
        m_fd = fd;
        m_locked = locked == lock_result::locked;
        break;
    }
    if (other.found()) {
        // Once per process for the same finding (a report() and the finalize() after it).
        const std::string message =
            "output folder '" + (directory.empty() ? std::string{"."} : directory) +
            "' holds result files that " + other.who + " wrote after this process started (" +
            other.files + "); this process writes its own to '" + m_directory +
            "' instead of replacing them";
        if (log::first_time(message)) log::warning(message);
    }
}

directory_claim::~directory_claim() {
    if (m_fd < 0) return;
    try {
        ojson record = read_record(m_fd);
        ojson files = ojson::array();
        for (const auto& name : m_files) files.push_back(name);
        record["writers"][m_prefix] = this_writer(files);
        write_record(m_fd, record);
    } catch (...) {
        // A record not updated leaves "being written": later processes keep these files.
    }
    // LOCK_UN (not only close): a child forked meanwhile shares this open file and its lock.
    if (m_locked) ::flock(m_fd, LOCK_UN);
    ::close(m_fd);
}

void directory_claim::add(std::string name) {
    m_files.push_back(std::move(name));
}

}  // namespace tim::output_detail
