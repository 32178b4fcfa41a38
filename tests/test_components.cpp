// Specification of the host components (host/include/timemory/components/*.hpp).
//
// Every measurement is taken twice around the same work: through the component's compile-time
// sample()/measure() (what tim::scoped inlines) and through the registry's function pointers
// (what runtime bundles and Python call). Both must pass the same bounds, and the registry's
// measure must give exactly the compile-time values for the same raw samples. The bounds are
// tight enough that a value in the wrong unit (µs stored as ns, KB taken as bytes) fails.
#include "timemory/components.hpp"
#include "timemory/core/bundle.hpp"
#include "timemory/core/registry.hpp"

#include "test_support.hpp"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/times.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

namespace comp = tim::component;
using namespace std::chrono_literals;

namespace {

constexpr double msec = 1e6;  // raw timing unit is ns
constexpr double mib = 1024.0 * 1024.0;

template <typename... C>
constexpr bool all_static = (tim::static_component<C> && ...);
static_assert(
    all_static<comp::wall_clock, comp::system_clock, comp::user_clock, comp::cpu_clock,
               comp::monotonic_clock, comp::monotonic_raw_clock, comp::thread_cpu_clock,
               comp::process_cpu_clock, comp::cpu_util, comp::process_cpu_util,
               comp::thread_cpu_util, comp::peak_rss, comp::page_rss, comp::current_peak_rss,
               comp::virtual_memory, comp::num_major_page_faults, comp::num_minor_page_faults,
               comp::voluntary_context_switch, comp::priority_context_switch, comp::read_bytes,
               comp::written_bytes, comp::read_char, comp::written_char, comp::user_mode_time,
               comp::kernel_mode_time, comp::trip_count, comp::num_io_in, comp::num_io_out>);

/// One component measured through both paths. The registry path is nested inside the
/// compile-time one.
template <tim::static_component C>
class probe {
  public:
    probe() : m_info{tim::registry::at(C::index)} {
        if (m_info == nullptr) {
            ADD_FAILURE() << "registry slot " << C::index << " is empty";
            return;
        }
        EXPECT_EQ(m_info->raw_count, C::raw_count) << m_info->id;
        EXPECT_EQ(m_info->value_count, C::value_count) << m_info->id;
    }

    void start() {
        C::sample(m_start);
        if (m_info) m_info->sample(m_info_start);
    }

    void stop() {
        if (m_info) m_info->sample(m_info_stop);
        C::sample(m_stop);
        tim::detail::measure_values<C>(m_start, m_stop, m_fixed);
        if (!m_info) return;
        m_info->compute(m_info_start, m_info_stop, m_dynamic);
        double same_raw[C::value_count];
        m_info->compute(m_start, m_stop, same_raw);
        for (unsigned i = 0; i < C::value_count; ++i) {
            EXPECT_EQ(same_raw[i], m_fixed[i]) << m_info->id << " value " << i;
        }
    }

    double value(unsigned i = 0) const { return m_fixed[i]; }

    /// Both measurements of value i lie in [lo, hi].
    void expect_within(double lo, double hi, unsigned i = 0) const {
        const auto id = m_info ? m_info->id : std::string_view{"?"};
        EXPECT_GE(m_fixed[i], lo) << id << " (compile-time path) value " << i;
        EXPECT_LE(m_fixed[i], hi) << id << " (compile-time path) value " << i;
        if (!m_info) return;
        EXPECT_GE(m_dynamic[i], lo) << id << " (registry path) value " << i;
        EXPECT_LE(m_dynamic[i], hi) << id << " (registry path) value " << i;
    }

  private:
    static constexpr unsigned raw_size = C::raw_count > 0 ? C::raw_count : 1;
    const tim::component_info* m_info;
    double m_start[raw_size] = {};
    double m_stop[raw_size] = {};
    double m_info_start[raw_size] = {};
    double m_info_stop[raw_size] = {};
    double m_fixed[C::value_count] = {};
    double m_dynamic[C::value_count] = {};
};

template <typename... P>
void start_all(P&... p) {
    (p.start(), ...);
}
template <typename... P>
void stop_all(P&... p) {
    (p.stop(), ...);
}

/// Spin until the process has used `cpu` of CPU time as counted by times(), a reference
/// independent of the clocks under test (other syscall, clock-tick units). Returns that reference
/// in ns. Spinning for a wall-clock duration instead would tie every CPU/wall bound to how loaded
/// the machine is: on a shared 2-core box a busy thread may get a quarter of a core.
double burn_cpu(std::chrono::milliseconds cpu) {
    const double tick_ns = 1e9 / static_cast<double>(::sysconf(_SC_CLK_TCK));
    const auto used_ticks = [] {
        tms t{};
        ::times(&t);
        return static_cast<double>(t.tms_utime + t.tms_stime);
    };
    const double begin = used_ticks();
    const auto give_up = std::chrono::steady_clock::now() + 20s;
    volatile double sink = 0.0;
    double used = 0.0;
    while ((used = (used_ticks() - begin) * tick_ns) < static_cast<double>(cpu.count()) * msec &&
           std::chrono::steady_clock::now() < give_up) {
        // ~1 ms of user-mode work per clock check: the checks (a times() syscall each) must stay
        // a negligible share, or a loaded machine books a third of the loop as system time.
        for (int i = 0; i < 1000000; ++i) sink = sink + i;
    }
    return used;
}

std::string upper(std::string_view s) {
    std::string out{s};
    for (auto& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return out;
}

struct catalogue_entry {
    comp::host_index index;
    std::string_view id;
    std::vector<std::string_view> aliases;
    std::string_view label;
    std::string_view class_name;
    tim::unit_kind units;
    std::vector<std::string_view> value_labels;  // one per value; empty: one value named label
};

const std::vector<catalogue_entry>& catalogue() {
    using tim::unit_kind;
    // One row per component (clang-format would put every field on its own line).
    // clang-format off
    static const std::vector<catalogue_entry> entries = {
        {comp::wall_clock_index, "wall_clock", {"real_clock", "virtual_clock"}, "wall",
         "WallClock", unit_kind::timing, {}},
        {comp::system_clock_index, "system_clock", {"sys_clock"}, "sys", "SysClock",
         unit_kind::timing, {}},
        {comp::user_clock_index, "user_clock", {}, "user", "UserClock", unit_kind::timing, {}},
        {comp::cpu_clock_index, "cpu_clock", {}, "cpu", "CpuClock", unit_kind::timing, {}},
        {comp::monotonic_clock_index, "monotonic_clock", {}, "monotonic_clock", "MonotonicClock",
         unit_kind::timing, {}},
        {comp::monotonic_raw_clock_index, "monotonic_raw_clock", {}, "monotonic_raw_clock",
         "MonotonicRawClock", unit_kind::timing, {}},
        {comp::thread_cpu_clock_index, "thread_cpu_clock", {"cpu_thread_clock"}, "thread_cpu",
         "ThreadCpuClock", unit_kind::timing, {}},
        {comp::process_cpu_clock_index, "process_cpu_clock", {"cpu_process_clock"},
         "process_cpu", "ProcessCpuClock", unit_kind::timing, {}},
        {comp::cpu_util_index, "cpu_util", {"cpu_utilization"}, "cpu_util", "CpuUtil",
         unit_kind::percent, {}},
        {comp::process_cpu_util_index, "process_cpu_util",
         {"process_cpu_utilization", "cpu_process_util", "cpu_process_utilization"},
         "proc_cpu_util", "ProcessCpuUtil", unit_kind::percent, {}},
        {comp::thread_cpu_util_index, "thread_cpu_util",
         {"thread_cpu_utilization", "cpu_thread_util", "cpu_thread_utilization"},
         "thread_cpu_util", "ThreadCpuUtil", unit_kind::percent, {}},
        {comp::peak_rss_index, "peak_rss", {}, "peak_rss", "PeakRss", unit_kind::memory, {}},
        {comp::page_rss_index, "page_rss", {}, "page_rss", "PageRss", unit_kind::memory, {}},
        {comp::current_peak_rss_index, "current_peak_rss", {}, "current_peak_rss",
         "CurrentPeakRss", unit_kind::memory, {"start peak rss", "stop peak rss"}},
        {comp::virtual_memory_index, "virtual_memory", {}, "virtual_memory", "VirtualMemory",
         unit_kind::memory, {}},
        {comp::num_major_page_faults_index, "num_major_page_faults", {"major_page_faults"},
         "major_page_flts", "NumMajorPageFaults", unit_kind::count, {}},
        {comp::num_minor_page_faults_index, "num_minor_page_faults", {"minor_page_faults"},
         "minor_page_flts", "NumMinorPageFaults", unit_kind::count, {}},
        {comp::voluntary_context_switch_index, "voluntary_context_switch", {"vol_ctx_switch"},
         "vol_cxt_swch", "VoluntaryContextSwitch", unit_kind::count, {}},
        {comp::priority_context_switch_index, "priority_context_switch", {"prio_ctx_switch"},
         "prio_cxt_swch", "PriorityContextSwitch", unit_kind::count, {}},
        {comp::read_bytes_index, "read_bytes", {}, "read_bytes", "ReadBytes", unit_kind::memory,
         {"read_bytes", "read_rate"}},
        {comp::written_bytes_index, "written_bytes", {"write_bytes"}, "written_bytes",
         "WrittenBytes", unit_kind::memory, {"written_bytes", "written_rate"}},
        {comp::read_char_index, "read_char", {"rchar"}, "read_char", "ReadChar",
         unit_kind::memory, {"read_char", "read_rate"}},
        {comp::written_char_index, "written_char", {"write_char", "wchar"}, "written_char",
         "WrittenChar", unit_kind::memory, {"written_char", "written_rate"}},
        {comp::user_mode_time_index, "user_mode_time", {}, "user_mode", "UserModeTime",
         unit_kind::timing, {}},
        {comp::kernel_mode_time_index, "kernel_mode_time", {}, "kernel_mode", "KernelModeTime",
         unit_kind::timing, {}},
        {comp::trip_count_index, "trip_count", {}, "trip_count", "TripCount", unit_kind::count,
         {}},
        {comp::num_io_in_index, "num_io_in", {}, "io_in", "NumIoIn", unit_kind::count, {}},
        {comp::num_io_out_index, "num_io_out", {}, "io_out", "NumIoOut", unit_kind::count, {}},
    };
    return entries;
}

}  // namespace

TEST(HostRegistry, FindsEveryComponentByIdAndAliasInAnyCase) {
    ASSERT_EQ(catalogue().size(), std::size_t{comp::host_index_end});
    for (const auto& want : catalogue()) {
        SCOPED_TRACE(std::string{want.id});
        const auto* info = tim::registry::at(want.index);
        ASSERT_NE(info, nullptr);
        EXPECT_EQ(info->id, want.id);
        std::vector<std::string_view> names = want.aliases;
        names.push_back(want.id);
        for (auto name : names) {
            EXPECT_EQ(tim::registry::find(name), info) << name;
            EXPECT_EQ(tim::registry::find(upper(name)), info) << upper(name);
        }
        EXPECT_EQ(info->aliases, want.aliases);
        EXPECT_EQ(info->label, want.label);
        EXPECT_EQ(info->class_name, want.class_name);
        EXPECT_EQ(info->units, want.units);
        const std::size_t values = std::max<std::size_t>(1, want.value_labels.size());
        ASSERT_EQ(info->value_count, values);
        for (unsigned i = 0; i < want.value_labels.size(); ++i) {
            EXPECT_EQ(info->value_label(i), want.value_labels[i]);
        }
        EXPECT_FALSE(info->description.empty());
        EXPECT_NE(info->sample, nullptr);
        EXPECT_EQ(info->thread_scope_only, want.id.starts_with("thread_cpu"));
    }
}

TEST(HostRegistry, KeepsTimemoryBannerDescriptions) {
    EXPECT_EQ(tim::registry::get("wall_clock").description,
              "Real-clock timer (i.e. wall-clock timer)");
    EXPECT_EQ(tim::registry::get("cpu_clock").description,
              "Total CPU time spent in both user- and kernel-mode");
    // Rates are bytes/sec, the amount beside them bytes.
    const auto& rchar = tim::registry::get("rchar");
    EXPECT_EQ(rchar.value_units(0), tim::unit_kind::memory);
    EXPECT_EQ(rchar.value_units(1), tim::unit_kind::rate);
}

TEST(HostRegistry, ValueLayoutIsSetOnceForComponentsWithRunTimeValues) {
    // Sizes and values unknown until set_value_layout(), as papi_array's before its events are.
    const auto index = tim::test::add_component("test_run_time_values", "values set at run time",
                                                [](tim::component_info& c) {
                                                    c.value_count = 0;
                                                    c.raw_count = 0;
                                                    c.sample = nullptr;
                                                })
                           .index;
    tim::registry::set_value_layout(
        index, {{"a", "first", tim::unit_kind::count}, {"b", "second", tim::unit_kind::memory}}, 2);
    const auto* set = tim::registry::at(index);
    ASSERT_NE(set, nullptr);
    EXPECT_EQ(set->size(), 2u);
    EXPECT_EQ(set->raw_count, 2u);
    EXPECT_EQ(set->value_label(1), "b");
    EXPECT_EQ(set->value_units(1), tim::unit_kind::memory);
    // Buffers may have been sized from it by now: a second layout is refused.
    EXPECT_THROW(tim::registry::set_value_layout(index, {{"c", "", tim::unit_kind::count}}, 1),
                 std::logic_error);
    EXPECT_EQ(tim::registry::at(index)->size(), 2u);
    std::uint16_t empty = tim::max_components - 1;
    while (empty > index && tim::registry::at(empty) != nullptr) --empty;
    ASSERT_GT(empty, index) << "no empty registry slot left for the check";
    EXPECT_THROW(tim::registry::set_value_layout(empty, {}, 0), std::logic_error);
}

TEST(WallClock, MeasuresSleep) {
    probe<comp::wall_clock> wall;
    probe<comp::monotonic_clock> mono;
    probe<comp::monotonic_raw_clock> raw;
    probe<comp::thread_cpu_clock> thread_cpu;
    probe<comp::cpu_util> util;
    probe<comp::voluntary_context_switch> voluntary;
    probe<comp::num_major_page_faults> major;
    start_all(wall, mono, raw, thread_cpu, util, voluntary, major);
    std::this_thread::sleep_for(100ms);
    stop_all(wall, mono, raw, thread_cpu, util, voluntary, major);

    wall.expect_within(90 * msec, 500 * msec);
    mono.expect_within(90 * msec, 500 * msec);
    raw.expect_within(90 * msec, 500 * msec);
    thread_cpu.expect_within(0.0, 50 * msec);  // sleeping costs no CPU
    util.expect_within(0.0, 50.0);
    voluntary.expect_within(1.0, 1e4);  // sleeping gives up the CPU
    major.expect_within(0.0, 1e4);
}

TEST(CpuClock, MatchesCpuTimeOfBusyLoop) {
    probe<comp::wall_clock> wall;
    probe<comp::cpu_clock> cpu;
    probe<comp::user_clock> user;
    probe<comp::user_mode_time> user_mode;
    probe<comp::process_cpu_clock> process;
    probe<comp::thread_cpu_clock> thread;
    probe<comp::system_clock> sys;
    probe<comp::kernel_mode_time> kernel_mode;
    probe<comp::cpu_util> util;
    probe<comp::process_cpu_util> process_util;
    probe<comp::thread_cpu_util> thread_util;
    probe<comp::priority_context_switch> preempted;
    start_all(wall, cpu, user, user_mode, process, thread, sys, kernel_mode, util, process_util,
              thread_util, preempted);
    const double used = burn_cpu(200ms);
    stop_all(wall, cpu, user, user_mode, process, thread, sys, kernel_mode, util, process_util,
             thread_util, preempted);

    const double w = wall.value();
    ASSERT_GE(used, 200 * msec) << "the busy loop did not get 200 ms of CPU within 20 s";
    // One busy thread: CPU time is the reference's (±30% for tick rounding and the spread of
    // the samples), and never more than the elapsed time.
    const double lo = 0.7 * used;
    const double hi = std::min(1.3 * used, w + 5 * msec);
    cpu.expect_within(lo, hi);
    user.expect_within(lo, hi);
    user_mode.expect_within(lo, hi);
    process.expect_within(lo, hi);
    thread.expect_within(lo, hi);
    sys.expect_within(0.0, 0.3 * used);  // the loop only reads a clock and adds
    kernel_mode.expect_within(0.0, 0.3 * used);
    // Utilisation is CPU over wall time of the same region: 100 when the thread had a core to
    // itself, less when the machine is oversubscribed.
    const double percent = 100.0 * thread.value() / w;
    util.expect_within(percent - 5.0, std::min(percent + 5.0, 105.0));
    process_util.expect_within(percent - 5.0, std::min(percent + 5.0, 105.0));
    thread_util.expect_within(percent - 5.0, std::min(percent + 5.0, 105.0));
    if (percent < 50.0) {
        std::printf("note: busy loop got %.0f%% of a core; machine is oversubscribed\n", percent);
    }
    preempted.expect_within(0.0, 1e5);
}

TEST(CpuUtil, IsCpuTimeOverWallTimeInPercent) {
    // raw layout {cpu ns, wall ns}: 150 ms of CPU over 100 ms of wall (two busy threads) is 150%.
    const double start[2] = {1e9, 5e9};
    const double stop[2] = {1e9 + 150 * msec, 5e9 + 100 * msec};
    for (auto id : {"cpu_util", "process_cpu_util", "thread_cpu_util"}) {
        double out = 0.0;
        tim::registry::get(id).compute(start, stop, &out);
        EXPECT_DOUBLE_EQ(out, 150.0) << id;
        tim::registry::get(id).compute(start, start, &out);
        EXPECT_EQ(out, 0.0) << id << ": no elapsed time must not divide by zero";
    }
    double out = 0.0;
    comp::cpu_util::measure(start, stop, &out);
    EXPECT_DOUBLE_EQ(out, 150.0);
}

TEST(ThreadCpuClock, ExcludesOtherThreads) {
    probe<comp::thread_cpu_clock> thread;
    probe<comp::thread_cpu_util> thread_util;
    probe<comp::process_cpu_clock> process;
    start_all(thread, thread_util, process);
    double used = 0.0;
    std::thread worker{[&used] { used = burn_cpu(200ms); }};
    worker.join();  // the calling thread blocks meanwhile
    stop_all(thread, thread_util, process);

    thread.expect_within(0.0, 50 * msec);
    thread_util.expect_within(0.0, 25.0);
    process.expect_within(0.7 * used, 1.3 * used + 50 * msec);  // the worker's CPU counts
}

TEST(PeakRss, GrowsWithTouchedMemory) {
    const double page = static_cast<double>(::sysconf(_SC_PAGESIZE));
    // The high-water mark only moves once resident memory passes the previous peak (which
    // earlier tests in this binary may have raised), so allocate that headroom on top.
    const double headroom = std::max(0.0, comp::detail::peak_rss_bytes() -
                                              comp::detail::statm_bytes(
                                                  comp::detail::statm_field::resident));
    const double want = 256 * mib + headroom + 16 * mib;
    if (want > 4096 * mib) GTEST_SKIP() << "peak RSS is " << headroom / mib << " MiB above RSS";
    const auto bytes = static_cast<std::size_t>(std::ceil(want / page) * page);

    probe<comp::page_rss> page_rss_around;  // allocation, touch and release
    probe<comp::peak_rss> peak;
    probe<comp::page_rss> page_rss;
    probe<comp::current_peak_rss> current_peak;
    probe<comp::virtual_memory> virtual_memory;
    probe<comp::num_minor_page_faults> minor;
    probe<comp::num_major_page_faults> major;
    start_all(page_rss_around, peak, page_rss, current_peak, virtual_memory, minor, major);
    void* mem = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    ASSERT_NE(mem, MAP_FAILED);
    // Small pages, so that touching takes one minor fault per page.
    ::madvise(mem, bytes, MADV_NOHUGEPAGE);
    auto* data = static_cast<volatile char*>(mem);
    for (std::size_t i = 0; i < bytes; i += static_cast<std::size_t>(page)) data[i] = 1;
    stop_all(peak, page_rss, current_peak, virtual_memory, minor, major);
    ::munmap(mem, bytes);
    page_rss_around.stop();

    const double n = static_cast<double>(bytes);
    peak.expect_within(256 * mib, n + 64 * mib);
    page_rss.expect_within(256 * mib, n + 64 * mib);
    virtual_memory.expect_within(n, n + 64 * mib);
    minor.expect_within(256 * mib / page / 2, 2 * n / page + 1e4);
    major.expect_within(0.0, 1e4);
    current_peak.expect_within(1 * mib, comp::detail::peak_rss_bytes(), 0);
    current_peak.expect_within(256 * mib, comp::detail::peak_rss_bytes(), 1);
    EXPECT_GE(current_peak.value(1) - current_peak.value(0), 256 * mib);
    // Released memory leaves resident memory: the delta across the release is small.
    page_rss_around.expect_within(-64 * mib, 64 * mib);
    EXPECT_LT(page_rss_around.value(), page_rss.value());
}

TEST(PageRss, ReadsTheChildsOwnStatmAfterFork) {
    probe<comp::page_rss> warm;  // opens and caches /proc/self/statm in this thread
    warm.start();
    warm.stop();
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        // A descriptor inherited from the parent would report the parent's pages.
        double before = 0.0;
        double after = 0.0;
        comp::page_rss::sample(&before);
        const std::size_t bytes = 64u << 20;
        void* map = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                           -1, 0);
        if (map == MAP_FAILED) ::_exit(2);
        auto* mem = static_cast<volatile char*>(map);
        for (std::size_t i = 0; i < bytes; i += 4096) mem[i] = 1;
        comp::page_rss::sample(&after);
        ::_exit(after - before >= 60 * mib ? 0 : 1);
    }
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0) << "child's page_rss did not see its own allocation";
}

TEST(WrittenChar, CountsFileWritesAndReads) {
    const std::string reason = tim::registry::unavailable_reason(tim::registry::get("wchar"));
    if (!reason.empty()) GTEST_SKIP() << reason;
    const std::string path =
        ::testing::TempDir() + "/timemory_io_" + std::to_string(::getpid()) + ".bin";
    const std::vector<char> chunk(1u << 20, 'x');
    const double total = 16 * mib;

    probe<comp::wall_clock> wall;
    probe<comp::written_char> wchar;
    probe<comp::written_bytes> wbytes;
    probe<comp::num_io_out> io_out;
    start_all(wall, wchar, wbytes, io_out);
    const int fd = ::open(path.c_str(), O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0600);
    ASSERT_GE(fd, 0) << path;
    for (int i = 0; i < 16; ++i) ASSERT_EQ(::write(fd, chunk.data(), chunk.size()), 1 << 20);
    ASSERT_EQ(::fsync(fd), 0);
    ::close(fd);
    stop_all(wall, wchar, wbytes, io_out);

    wchar.expect_within(total, total + 1 * mib, 0);
    const double rate = total / (wall.value() * 1e-9);  // bytes/sec over the region
    wchar.expect_within(0.5 * rate, 2.0 * rate, 1);
    io_out.expect_within(0.0, 1e7);
    wbytes.expect_within(0.0, total + 64 * mib, 0);
    if (wbytes.value() == 0.0) {
        std::printf("note: this filesystem does not account written_bytes; checked >= 0 only\n");
    } else {
        // Accounted when pages are dirtied, so all of it or none.
        wbytes.expect_within(total, total + 64 * mib, 0);
    }

    probe<comp::read_char> rchar;
    probe<comp::read_bytes> rbytes;
    probe<comp::num_io_in> io_in;
    start_all(rchar, rbytes, io_in);
    const int in = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    ASSERT_GE(in, 0) << path;
    std::vector<char> buffer(1u << 20);
    while (::read(in, buffer.data(), buffer.size()) > 0) {
    }
    ::close(in);
    stop_all(rchar, rbytes, io_in);
    ::unlink(path.c_str());

    rchar.expect_within(total, total + 1 * mib, 0);
    rchar.expect_within(0.0, 1e15, 1);
    rbytes.expect_within(0.0, total + 64 * mib, 0);  // usually 0: the file is in page cache
    io_in.expect_within(0.0, 1e7);
}

TEST(ReadChar, SaysWhyWhenProcSelfIoIsUnreadable) {
    const bool readable = ::access("/proc/self/io", R_OK) == 0;
    for (auto id : {"read_char", "written_char", "read_bytes", "written_bytes"}) {
        const std::string reason = tim::registry::unavailable_reason(tim::registry::get(id));
        if (readable) {
            EXPECT_EQ(reason, "") << id;
        } else {
            EXPECT_NE(reason.find("/proc/self/io"), std::string::npos) << id << ": " << reason;
        }
    }
}

TEST(TripCount, CountsOnePerMeasurement) {
    EXPECT_EQ(tim::registry::get("trip_count").raw_count, 0u);
    for (int lap = 0; lap < 3; ++lap) {
        probe<comp::trip_count> trips;
        trips.start();
        trips.stop();
        trips.expect_within(1.0, 1.0);
    }
}

// set_rusage_children(): getrusage-based components measure terminated, waited-for children.
TEST(RusageTarget, ChildrenCountsTheWaitedForChildsPageFaults) {
    using tim::component::num_minor_page_faults;
    constexpr std::size_t bytes = 64u << 20;
    const auto touch_in_child = [] {
        const pid_t child = ::fork();
        if (child == 0) {
            std::vector<char> block(bytes);
            for (std::size_t i = 0; i < bytes; i += 4096) block[i] = 1;
            ::_exit(block[4096] == 1 ? 0 : 1);
        }
        int status = 0;
        ::waitpid(child, &status, 0);
        return WIFEXITED(status) && WEXITSTATUS(status) == 0;
    };
    const double pages = static_cast<double>(bytes) / static_cast<double>(::sysconf(_SC_PAGESIZE));
    double a = 0, b = 0;

    tim::component::set_rusage_children();
    EXPECT_TRUE(tim::component::rusage_children());
    num_minor_page_faults::sample(&a);
    ASSERT_TRUE(touch_in_child());
    num_minor_page_faults::sample(&b);
    tim::component::set_rusage_self();
    EXPECT_GE(b - a, pages / 2) << "children's minor faults should include the child's touches";

    num_minor_page_faults::sample(&a);
    ASSERT_TRUE(touch_in_child());
    num_minor_page_faults::sample(&b);
    EXPECT_LT(b - a, pages / 2) << "RUSAGE_SELF must not count the child's page faults";
}
