// Process lifetime: init names the output directory after the program, finalize writes every
// output once (also at exit, so nothing measured is lost when a program forgets to call it).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace tim {

/// Name the output directory after argv[0] ("timemory-<exe>-output"), re-read the settings
/// (TIMEMORY_OUTPUT_PATH still wins) and arrange for finalize() at exit.
void init(int argc, char** argv, std::string_view prefix = "timemory-",
          std::string_view suffix = "-output");
void init(const std::vector<std::string>& argv, std::string_view prefix = "timemory-",
          std::string_view suffix = "-output");

/// The directory name init() derives from a program path: directories stripped, a ".py" or
/// ".exe" extension dropped, '_' turned into '-', repeated '-' collapsed.
std::string output_directory_name(std::string_view argv0, std::string_view prefix = "timemory-",
                                  std::string_view suffix = "-output");

/// Write every output (if settings.auto_output) and clear the collected data. What the calling
/// thread still has open (regions, markers, bundles such as TIMEMORY_SCOPED) is closed first and
/// kept (settings.stack_clearing); regions open on other threads are kept as rows and named in
/// one warning. Later calls do
/// nothing until init() is called again; measurements taken after finalize() form a new
/// collection that report() can write (at exit, a warning says so if it was never written).
void finalize();
bool is_finalized() noexcept;

/// What the process does on its way out, at exit or on a terminating signal (tim::signals):
/// finalize(), or, when the program has finalized already, a warning naming how many regions it
/// measured afterwards (they are not written: that would overwrite the first outputs).
void finalize_on_exit();

/// Write every output now to `directory` (default: settings.output_path), without finalizing.
void report(std::string_view directory = {});

/// Files written by the last report/finalize (label, path, kind).
std::vector<std::string> written_files();

}  // namespace tim
