// write_outputs(): every file and console report the settings ask for, in timemory's order
// (flamegraph, tree, json, txt per component, then metadata.json and, with ctest_notes,
// CTestNotes.txt), each file written atomically.
#include "output_internal.hpp"

#include "timemory/core/log.hpp"
#include "timemory/core/output.hpp"
#include "timemory/core/settings.hpp"

#include <unistd.h>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <filesystem>
#include <functional>
#include <system_error>

namespace tim {
namespace {

void print(const std::string& text) {
    if (text.empty()) return;
    // C stdio (not std::cout) so the order holds when Python or C code writes to the same fd.
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fflush(stdout);
}

std::string join(const std::string& directory, const std::string& name) {
    if (directory.empty()) return name;
    if (directory.back() == '/') return directory + name;
    return directory + "/" + name;
}

// Produces a file's content into a sink (which streams it into the file in pieces).
using content_writer = std::function<void(output_detail::text_sink&)>;

content_writer text_content(const std::string& content) {
    return [&content](output_detail::text_sink& out) { out.text = content; };
}

// Write to "<path>.tmp.<pid>" and rename over <path>, so a reader (or a crash mid-write) never
// sees half a file. On failure the temporary file is removed and `error` holds the OS reason.
bool write_atomic(const std::string& path, const content_writer& write, std::string& error) {
    const std::string tmp = path + ".tmp." + std::to_string(::getpid());
    std::FILE* file = std::fopen(tmp.c_str(), "wb");
    if (file == nullptr) {
        error = std::strerror(errno);
        return false;
    }
    output_detail::text_sink sink;
    sink.file = file;
    try {
        write(sink);
        sink.flush(true);
    } catch (...) {
        std::fclose(file);
        std::remove(tmp.c_str());
        throw;
    }
    bool ok = !sink.failed;
    if (!ok) error = std::strerror(errno);
    if (std::fclose(file) != 0 && ok) {
        ok = false;
        error = std::strerror(errno);
    }
    if (ok && std::rename(tmp.c_str(), path.c_str()) != 0) {
        ok = false;
        error = std::strerror(errno);
    }
    if (!ok) std::remove(tmp.c_str());
    return ok;
}

std::string xml_escape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            case '\'':
                out += "&apos;";
                break;
            default:
                out.push_back(c);
        }
    }
    return out;
}

// Files go to one directory; the first failure (cannot create it, cannot write in it) is
// reported once and turns every later file into a console-only report.
class file_sink {
  public:
    explicit file_sink(std::string directory) : m_directory{std::move(directory)} {}

    bool usable() {
        if (m_failed) return false;
        if (m_checked || (m_directory.empty() && !settings::instance().time_output)) return true;
        m_checked = true;
        std::error_code ec;
        if (settings::instance().time_output)
            m_directory = output_detail::time_stamped_directory(m_directory, ec);
        if (!ec) std::filesystem::create_directories(m_directory, ec);
        if (ec || !std::filesystem::is_directory(m_directory)) {
            const std::string reason = ec ? ec.message() : std::strerror(ENOTDIR);
            fail("cannot create output directory '" + m_directory + "': " + reason);
        }
        return !m_failed;
    }

    /// Announce and write one file; false (after the one error) when it could not be written.
    bool write(const std::string& label, const std::string& name, const std::string& kind,
               const content_writer& content, std::vector<written_file>& written) {
        if (!usable()) return false;
        const std::string path = join(m_directory, name);
        print("[" + label + "]|0> Outputting '" + path + "'...\n");
        std::string error;
        if (!write_atomic(path, content, error)) {
            fail("cannot write '" + path + "' in output directory '" +
                 (m_directory.empty() ? std::string{"."} : m_directory) + "': " + error);
            return false;
        }
        written.push_back({label, path, kind});
        return true;
    }

    bool failed() const noexcept { return m_failed; }

  private:
    void fail(const std::string& what) {
        m_failed = true;
        log::error(what,
                   "; no more result files are written, the text reports are printed "
                   "to the console instead");
    }

    std::string m_directory;
    bool m_checked = false;
    bool m_failed = false;
};

}  // namespace

std::string format_dart(const result_tree& tree, const component_info& info) {
    const auto& s = settings::instance();
    if (!s.dart_type.empty() && s.dart_type != info.label && s.dart_type != info.id) return {};
    const auto rows = component_view(tree, info);
    const auto unit = display_unit_for(info.value_units(0));
    std::string out;
    std::int64_t printed = 0;
    for (const auto& row : rows) {
        if (s.dart_count > 0 && printed >= s.dart_count) break;
        if (s.max_depth >= 0 && static_cast<std::int64_t>(row.depth) >= s.max_depth) continue;
        if (row.inclusive.empty()) continue;
        const double value = row.inclusive[0].sum / unit.scale;
        out += "<DartMeasurement name=\"" + xml_escape(std::string{info.label} + "//" + row.label) +
               "\" type=\"numeric/double\">" +
               format_number(value, info.value_units(0), info.integer_values) +
               "</DartMeasurement>\n";
        ++printed;
    }
    return out;
}

namespace {

// Every file of one report: a process's (`job` null) or a job's at rank 0.
std::vector<written_file> write_files(const result_tree& tree, const std::string& directory,
                                      const std::string& suffix,
                                      const output_detail::job_files* job) {
    std::vector<written_file> written;
    try {
        const auto& s = settings::instance();
        const auto components = recorded_components(tree);
        if (components.empty()) return written;
        file_sink sink{directory};
        const std::string& prefix = s.output_prefix;

        for (const auto* info : components) {
            const std::string label{info->label};
            const std::string stem = prefix + label + suffix;
            try {
                if (s.file_output) {
                    if (s.flamegraph_output && info->value_units(0) == unit_kind::timing) {
                        sink.write(
                            label, stem + ".flamegraph.json", "flamegraph",
                            [&](output_detail::text_sink& out) {
                                output_detail::write_flamegraph_json(out, tree, *info);
                            },
                            written);
                    }
                    if (s.tree_output) {
                        sink.write(
                            label, stem + ".tree.json", "tree",
                            [&](output_detail::text_sink& out) {
                                if (job != nullptr)
                                    output_detail::write_job_tree_json(out, *info, *job);
                                else
                                    output_detail::write_tree_json(out, tree, {info});
                            },
                            written);
                    }
                    if (s.json_output) {
                        sink.write(
                            label, stem + ".json", "json",
                            [&](output_detail::text_sink& out) {
                                if (job != nullptr)
                                    output_detail::write_job_flat_json(out, *info, *job);
                                else
                                    output_detail::write_flat_json(out, tree, {info});
                            },
                            written);
                    }
                }
                // The table is needed for the .txt file, the console, or both; and it is still
                // printed when files cannot be written, so nothing measured is lost.
                const bool want_file = s.file_output && s.text_output;
                if (want_file || s.cout_output || sink.failed()) {
                    const std::string table = format_text(tree, *info);
                    if (want_file && !table.empty()) {
                        sink.write(label, stem + ".txt", "text", text_content(table), written);
                    }
                    if ((s.cout_output || sink.failed()) && !table.empty()) {
                        print("\n" + table + "\n");
                    }
                }
                if (s.dart_output) print(format_dart(tree, *info));
            } catch (const std::exception& e) {
                log::error("output of '", label, "' failed: ", e.what());
            }
        }

        if (s.file_output && !written.empty()) {
            const std::string metadata =
                job != nullptr ? output_detail::format_metadata_json(written, job->mpi())
                               : format_metadata_json(written);
            sink.write("metadata", prefix + "metadata" + suffix + ".json", "metadata",
                       text_content(metadata), written);
        }
        // CDash shows the files a CTestNotes.txt lists next to the test's output (timemory 3's
        // ctest_notes: one entry per text report).
        if (s.file_output && s.ctest_notes) {
            std::string notes;
            for (const auto& file : written) {
                if (file.kind != "text") continue;
                const auto path = std::filesystem::absolute(file.path).lexically_normal();
                notes += "list(APPEND CTEST_NOTES_FILES \"" + path.string() + "\")\n";
            }
            if (!notes.empty())
                sink.write("ctest_notes", prefix + "CTestNotes" + suffix + ".txt", "ctest_notes",
                           text_content(notes), written);
        }
    } catch (const std::exception& e) {
        log::error("writing outputs to '", directory, "' failed: ", e.what());
    }
    return written;
}

}  // namespace

std::vector<written_file> write_outputs(const result_tree& tree, const std::string& directory) {
    return write_files(tree, directory, {}, nullptr);
}

std::vector<written_file> output_detail::write_outputs(const result_tree& tree,
                                                       const std::string& directory,
                                                       const std::string& suffix) {
    return write_files(tree, directory, suffix, nullptr);
}

std::vector<written_file> output_detail::write_job_files(const job_files& job,
                                                         const std::string& directory) {
    return write_files(*job.aggregate, directory, {}, &job);
}

}  // namespace tim
