// tim::mpi: finds the process's MPI library without linking one, decides whether the MPI plugin
// (libtimemory-mpi) may be loaded, loads it, and answers through its table (tim::mpi_service).
// The plugin is loaded only into a process that already has the MPI library it was built
// against, or when settings.mpi_init asks timemory to start MPI: a program that never uses MPI
// never maps libmpi, and a process with another MPI never gets a second one.
#include "timemory/core/mpi.hpp"

#include "timemory/core/log.hpp"
#include "timemory/core/manager.hpp"
#include "timemory/core/mpi_service.hpp"
#include "timemory/core/plugins.hpp"
#include "timemory/core/settings.hpp"

#include <dlfcn.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <mutex>

namespace tim::mpi {
namespace {

#if defined(TIMEMORY_MPI_PLUGIN_FILE)
constexpr const char* plugin_file = TIMEMORY_MPI_PLUGIN_FILE;
constexpr std::string_view plugin_library = TIMEMORY_MPI_LIBRARY;
constexpr std::string_view plugin_vendor = TIMEMORY_MPI_VENDOR;
#else
constexpr const char* plugin_file = nullptr;
constexpr std::string_view plugin_library = "";
constexpr std::string_view plugin_vendor = "";
#endif

// The sonames of the MPI libraries in use (OpenMPI 3-5; MPICH and its ABI, as Intel MPI).
constexpr std::array<std::string_view, 3> known_sonames = {"libmpi.so.40", "libmpi.so.12",
                                                           "libmpich.so.12"};

enum state_value : int { not_yet = 0, loaded = 1, refused = 2 };
std::atomic<int> state{not_yet};
std::mutex load_mutex;
const mpi_service* table = nullptr;
bool started_mpi = false;          // timemory's init called MPI_Init
std::atomic<bool> in_hook{false};  // inside MPI_Finalize, running the finalize hook
std::atomic<bool> hook_installed{false};
std::atomic<int> seen_rank{-1};
std::atomic<int> seen_size{-1};

std::string& reason() {
    static auto* text = new std::string{"no MPI library in this process yet"};
    return *text;
}

// MPI libraries already mapped: dlopen(RTLD_NOLOAD) by soname (never RTLD_DEFAULT: a library
// loaded RTLD_LOCAL, as mpi4py's, is invisible there before MPI_Init), and the version text,
// which MPI_Get_library_version gives at any time, even before MPI_Init.
std::vector<detail::found_library> mapped_libraries() {
    std::vector<detail::found_library> found;
    // The plugin's own soname first: another name of the same file (MPICH installs libmpi.so.12
    // as a link to libmpich.so.12) resolves to the same handle and is the same library.
    std::vector<std::string_view> names;
    if (!plugin_library.empty()) names.push_back(plugin_library);
    for (auto soname : known_sonames) {
        if (soname != plugin_library) names.push_back(soname);
    }
    std::vector<void*> seen;
    for (auto soname : names) {
        const std::string name{soname};
        void* handle = ::dlopen(name.c_str(), RTLD_LAZY | RTLD_NOLOAD);
        if (handle == nullptr) {
            // Not mapped (the usual answer). glibc keeps the failure's message in a block it frees
            // only once dlerror() has returned it and is called again.
            ::dlerror();
            ::dlerror();
            continue;
        }
        if (std::find(seen.begin(), seen.end(), handle) != seen.end()) {
            ::dlclose(handle);
            continue;
        }
        seen.push_back(handle);
        detail::found_library lib{name, {}};
        using version_fn = int (*)(char*, int*);
        if (auto fn = reinterpret_cast<version_fn>(::dlsym(handle, "MPI_Get_library_version"))) {
            std::string text(8192, '\0');  // MPI_MAX_LIBRARY_VERSION_STRING is 256 or 8192
            int length = 0;
            if (fn(text.data(), &length) == 0 && length > 0 &&
                length <= static_cast<int>(text.size())) {
                text.resize(static_cast<std::size_t>(length));
                while (!text.empty() && (text.back() == '\n' || text.back() == '\0'))
                    text.pop_back();
                lib.version = std::move(text);
            }
        }
        ::dlclose(handle);
        found.push_back(std::move(lib));
    }
    return found;
}

// "" once loaded; otherwise the reason.
std::string load_plugin() {
    if (auto why = plugins::load_library("MPI plugin", "TIMEMORY_MPI_PLUGIN", plugin_file,
                                         "timemory_mpi_plugin_register");
        !why.empty()) {
        return why;
    }
    auto* found = static_cast<const mpi_service*>(plugins::find("mpi"));
    if (found == nullptr || found->version != mpi_service_version) {
        return "MPI plugin " + *plugins::library_path("TIMEMORY_MPI_PLUGIN", plugin_file) +
               " is of another timemory version";
    }
    table = found;
    return {};
}

// Loads the plugin when the process has the right MPI (or `init_requested`); true once loaded.
bool probe(bool init_requested) {
    const int now = state.load(std::memory_order_acquire);
    if (now != not_yet) return now == loaded;
    std::lock_guard<std::mutex> lock{load_mutex};
    if (state.load() != not_yet) return state.load() == loaded;
    if (plugin_file == nullptr) {
        reason() = "this build has no MPI support (timemory was built without MPI)";
        state.store(refused, std::memory_order_release);
        return false;
    }
    bool wrong = false;
    auto why = detail::load_decision(mapped_libraries(), plugin_library, plugin_vendor,
                                     init_requested, &wrong);
    if (why.empty()) why = load_plugin();
    reason() = why;
    if (why.empty()) {
        state.store(loaded, std::memory_order_release);
        return true;
    }
    if (wrong) log::warning(why);
    // Without MPI in the process yet (mpi4py imported later, MPI linked by a library loaded
    // later) the question is asked again; any other reason stands.
    if (wrong || !why.starts_with("no MPI library"))
        state.store(refused, std::memory_order_release);
    return false;
}

bool usable() {
    if (!probe(false)) return false;
    const bool up = table->initialized() != 0 && table->finalized() == 0;
    if (up && !in_hook.load()) {
        // Remembered for after MPI_Finalize, when MPI can no longer say (per-rank file names).
        seen_rank.store(table->rank());
        seen_size.store(table->size());
    }
    return up;
}

void on_mpi_finalize() {
    // Inside MPI_Finalize, MPI still works: combine the ranks now, the last moment it can be done.
    in_hook.store(true);
    try {
        if (!tim::is_finalized()) tim::finalize();
    } catch (const std::exception& e) {
        log::error("timemory finalize inside MPI_Finalize: ", e.what());
    }
    in_hook.store(false);
}

int env_int(std::initializer_list<const char*> names, int fallback) {
    for (const char* name : names) {
        if (const char* value = std::getenv(name); value != nullptr && *value != '\0') {
            char* end = nullptr;
            const long n = std::strtol(value, &end, 10);
            if (end != value && *end == '\0' && n >= 0) return static_cast<int>(n);
        }
    }
    return fallback;
}

}  // namespace

bool is_available() {
    if (plugin_file == nullptr) return false;
    if (state.load() == loaded) return true;
    const auto path = plugins::library_path("TIMEMORY_MPI_PLUGIN", plugin_file);
    return path && ::access(path->c_str(), R_OK) == 0;
}

bool is_supported() {
    return probe(false);
}

const std::string& status() {
    probe(false);
    static const std::string empty;
    return state.load() == loaded ? empty : reason();
}

bool is_initialized() {
    return probe(false) && table->initialized() != 0;
}

bool is_finalized() {
    return probe(false) && table->finalized() != 0;
}

int rank() {
    return usable() ? table->rank() : 0;
}

int size() {
    return usable() ? table->size() : 1;
}

void barrier() {
    if (usable()) table->barrier();
}

bool init() {
    const auto& s = settings::instance();
    const auto level = detail::thread_level(s.mpi_thread_type);
    if (s.mpi_thread && !level) {
        log::error("TIMEMORY_MPI_THREAD_TYPE='", s.mpi_thread_type,
                   "' is not an MPI thread level; valid: single, funneled, serialized, multiple "
                   "(empty: multiple); MPI was not initialized");
        return false;
    }
    if (!probe(true)) {
        log::warning("MPI not initialized: ", reason());
        return false;
    }
    if (table->initialized() != 0) return true;
    int provided = 0;
    if (table->init(s.mpi_thread ? *level : -1, &provided) != 0) {
        log::error("MPI_Init", s.mpi_thread ? "_thread" : "", " failed");
        return false;
    }
    started_mpi = true;
    install_finalize_hook();
    return true;
}

bool finalize() {
    if (in_hook.load() || !usable()) return false;
    return table->finalize() == 0;
}

std::string library_version() {
    if (!probe(false)) return {};
    std::string text(8192, '\0');
    text.resize(static_cast<std::size_t>(table->library_version(text.data(), 8192)));
    while (!text.empty() && text.back() == '\n') text.pop_back();
    return text;
}

std::string processor_name() {
    if (!usable()) return {};
    std::string text(1024, '\0');
    text.resize(static_cast<std::size_t>(table->processor_name(text.data(), 1024)));
    return text;
}

bool install_finalize_hook() {
    if (hook_installed.load()) return true;
    if (!usable()) return false;
    if (table->add_finalize_hook(&on_mpi_finalize) != 0) return false;
    hook_installed.store(true);
    return true;
}

}  // namespace tim::mpi

namespace tim::mpi::detail {

std::string load_decision(const std::vector<found_library>& present,
                          std::string_view plugin_library, std::string_view plugin_vendor,
                          bool init_requested, bool* wrong) {
    if (wrong != nullptr) *wrong = false;
    const std::string built = std::string{plugin_library} + " (" + std::string{plugin_vendor} + ")";
    for (const auto& lib : present) {
        const bool same_file = lib.soname == plugin_library;
        const bool same_vendor = lib.version.empty() || lib.version.starts_with(plugin_vendor);
        if (same_file && same_vendor) continue;
        if (wrong != nullptr) *wrong = true;
        const std::string version = lib.version.empty() ? std::string{} : " (" + lib.version + ")";
        return "MPI plugin not loaded: this process uses " + lib.soname + version +
               ", but timemory's MPI plugin libtimemory-mpi was built against " + built +
               "; loading it would bring a second MPI into the process. Ranks are not combined: "
               "rebuild timemory against the MPI this program uses";
    }
    if (present.empty() && !init_requested) {
        return "no MPI library in this process (the MPI plugin is loaded once the program has "
               "one, e.g. linked or by `from mpi4py import MPI`, or with TIMEMORY_MPI_INIT=ON)";
    }
    return {};
}

std::optional<int> thread_level(std::string_view name) {
    constexpr std::array<std::string_view, 4> names = {"single", "funneled", "serialized",
                                                       "multiple"};
    if (name.empty()) return 3;
    std::string lower{name};
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower.starts_with("mpi_thread_")) lower.erase(0, 11);
    for (std::size_t i = 0; i < names.size(); ++i) {
        if (lower == names[i]) return static_cast<int>(i);
    }
    return std::nullopt;
}

void notice_new_node() noexcept {
    if (hook_installed.load(std::memory_order_relaxed) ||
        state.load(std::memory_order_relaxed) == refused) {
        return;
    }
    // MPI calls of a program initialized with MPI_THREAD_SINGLE or FUNNELED belong to its main
    // thread, and a look costs a few dlopen lookups: at most one every 20 ms.
    if (::syscall(SYS_gettid) != ::getpid()) return;
    static std::atomic<std::int64_t> next_look{0};
    const std::int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                                 std::chrono::steady_clock::now().time_since_epoch())
                                 .count();
    if (now < next_look.load(std::memory_order_relaxed)) return;
    next_look.store(now + 20, std::memory_order_relaxed);
    try {
        install_finalize_hook();
    } catch (...) {
    }
}

int last_rank() {
    const int seen = seen_rank.load();
    return seen >= 0 ? seen : env_int({"OMPI_COMM_WORLD_RANK", "PMI_RANK", "SLURM_PROCID"}, 0);
}

int last_size() {
    const int seen = seen_size.load();
    return seen >= 1 ? seen : env_int({"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "SLURM_NTASKS"}, 1);
}

bool started_by_timemory() {
    return started_mpi;
}

}  // namespace tim::mpi::detail
