#include "timemory/core/manager.hpp"

#include "output_internal.hpp"

#include "timemory/core/frame_stack.hpp"

#include "timemory/core/job_output.hpp"
#include "timemory/core/log.hpp"
#include "timemory/core/mpi.hpp"
#include "timemory/core/output.hpp"
#include "timemory/core/results.hpp"
#include "timemory/core/settings.hpp"
#include "timemory/core/signals.hpp"

#include <atomic>
#include <cstdlib>
#include <mutex>

namespace tim {
namespace {
std::atomic<bool> finalized{false};
std::once_flag exit_hook_once;
std::mutex output_mutex;
std::vector<std::string> last_written;

// exit() and std::quick_exit() (which skips the atexit handlers) both write the outputs.
void arm_exit_hook() {
    std::call_once(exit_hook_once, [] {
        std::atexit(finalize_on_exit);
        std::at_quick_exit(finalize_on_exit);
    });
}

// The outputs of this process, combined with the other ranks' when MPI runs a job of several: a
// collective step, so every rank gets here (finalize, or the hook inside MPI_Finalize).
std::vector<written_file> write_process_outputs(const result_tree& tree,
                                                const std::string& directory) {
    if (mpi::is_initialized() && !mpi::is_finalized() && mpi::size() > 1) {
        if (auto channel = mpi::channel()) return write_job_outputs(*channel, tree, directory);
    }
    if (mpi::is_finalized() && mpi::detail::last_size() > 1) {
        // MPI_Finalize came first and the hook that would have combined inside it was not
        // installed: each rank keeps its own results, in files named after it (as
        // settings.per_rank_output names them).
        const int rank = mpi::detail::last_rank();
        static std::once_flag said;
        std::call_once(said, [] {
            log::warning(
                "MPI was finalized before timemory's finalize, so the ranks' results "
                "cannot be combined: each rank writes its own files (<label>-<rank>.<ext>). Call "
                "timemory's finalize before MPI_Finalize, or initialize timemory after "
                "MPI_Init so that it finalizes inside MPI_Finalize");
        });
        std::string suffix = "-";
        suffix += std::to_string(rank);
        return output_detail::write_outputs(tree, directory, suffix);
    }
    return write_outputs(tree, directory);
}

void write_now(const std::string& directory, bool finalizing) {
    std::lock_guard<std::mutex> lock{output_mutex};
    signals::write_scope writing{finalizing};  // a signal now waits for complete files
    const auto tree = collect_results();
    auto files = write_process_outputs(tree, directory);
    last_written.clear();
    for (auto& f : files) last_written.push_back(f.path);
}
}  // namespace

std::string output_directory_name(std::string_view argv0, std::string_view prefix,
                                  std::string_view suffix) {
    std::string name{argv0};
    if (auto slash = name.find_last_of("/\\"); slash != std::string::npos) name.erase(0, slash + 1);
    for (std::string_view ext : {".py", ".exe"}) {
        if (name.size() > ext.size() && name.ends_with(ext)) name.erase(name.size() - ext.size());
    }
    name = std::string{prefix} + name + std::string{suffix};
    for (auto& c : name) {
        if (c == '_') c = '-';
    }
    for (auto pos = name.find("--"); pos != std::string::npos; pos = name.find("--")) {
        name.erase(pos, 1);
    }
    if (name.empty() || name == "-") name = "timemory-output";
    return name;
}

void init(const std::vector<std::string>& argv, std::string_view prefix, std::string_view suffix) {
    auto& s = settings::instance();
    if (!argv.empty()) output_detail::set_command_line(argv);  // for %arg0%, %argv%, ...
    if (!argv.empty() && !argv.front().empty()) {
        s.output_path = output_directory_name(argv.front(), prefix, suffix);
        std::string tag = argv.front();
        if (auto slash = tag.find_last_of("/\\"); slash != std::string::npos)
            tag.erase(0, slash + 1);
        s.tag = tag;
    }
    s.parse();  // TIMEMORY_OUTPUT_PATH and friends override the derived name
    finalized.store(false);
    arm_exit_hook();
    // Every API initialises through here (C, C++, Python), so the setting works from each; a
    // signal already handled is not installed again (its saved previous handler stays).
    if (s.enable_signal_handler) signals::enable();
    // With MPI up, timemory finalizes inside MPI_Finalize if the program calls that first.
    if (s.mpi_init) mpi::init();
    mpi::install_finalize_hook();
}

void init(int argc, char** argv, std::string_view prefix, std::string_view suffix) {
    std::vector<std::string> args;
    for (int i = 0; i < argc && argv != nullptr; ++i) args.emplace_back(argv[i] ? argv[i] : "");
    init(args, prefix, suffix);
}

void finalize() {
    // From here to the cleared results, a terminating signal waits (finalize_on_exit would take
    // this collection for one measured after finalize).
    signals::write_scope writing{true};
    if (finalized.exchange(true)) return;
    arm_exit_hook();  // harmless if already armed
    const auto& s = settings::instance();
    // Regions, markers and profiled calls of this thread: their time goes into these outputs.
    if (s.stack_clearing) close_thread_frames("at finalize");
    warn_frames_open_elsewhere("at finalize");
    if (s.auto_output) write_now(s.output_path, true);
    // Measurements after this point form a new collection (re-init semantics).
    clear_results();
    log::report_suppressed();
    // MPI that timemory started, timemory ends (an MPI job whose process never finalizes fails).
    if (s.mpi_finalize || mpi::detail::started_by_timemory()) mpi::finalize();
}

bool is_finalized() noexcept {
    return finalized.load();
}

// Finalize, or, when the program already finalized, say plainly what it measured afterwards
// instead of silently dropping it (writing it would overwrite the first outputs).
void finalize_on_exit() {
    if (!is_finalized()) return finalize();
    const auto tree = collect_results();
    const auto later = recorded_components(tree);
    if (later.empty()) {
        log::report_suppressed();  // warnings repeated since finalize()
        return;
    }
    log::warning(tree.nodes.size() - 1, " region(s) measured after finalize() were not written ",
                 "(the outputs of the first finalize() are kept); call tim::report() / ",
                 "timemory.report() to write them, or init() again to start a new collection");
    log::report_suppressed();
}

void report(std::string_view directory) {
    const auto& s = settings::instance();
    write_now(directory.empty() ? s.output_path : std::string{directory}, false);
}

std::vector<std::string> written_files() {
    std::lock_guard<std::mutex> lock{output_mutex};
    return last_written;
}

}  // namespace tim
