// The text report (<label>.txt and the console), laid out like timemory's tables:
//
// |-------------------------------------------------------------------...-|
// |                    REAL-CLOCK TIMER (I.E. WALL-CLOCK TIMER)           |   banner, centred
// |-------------------------------------------------------------------...-|
// |      LABEL       | COUNT  | DEPTH  | METRIC | UNITS  |  SUM   | ... |   headers, centred
// |------------------|--------|--------|--------|--------|--------|-...-|
// | >>> main         |      1 |      0 | wall   | sec    |  1.614 | ... |   rows
// |-------------------------------------------------------------------...-|
//
// Every cell is one space, the content padded to the column width, one space. Multi-valued
// components repeat the METRIC .. % SELF group once per value on the same row, as timemory did.
#include "timemory/core/output.hpp"
#include "timemory/core/settings.hpp"
#include "timemory/core/units.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>

namespace tim {
namespace {

enum class align { left, right };

struct column {
    std::string header;
    align alignment = align::right;
    std::size_t width = 0;
};

// Appends " <text padded to width> |" (built in place: cheaper, and GCC 12 raises a false
// -Wrestrict on the equivalent chain of operator+).
void append_cell(std::string& out, const std::string& text, std::size_t width, align how) {
    const std::size_t fill = width > text.size() ? width - text.size() : 0;
    out.push_back(' ');
    if (how == align::right) out.append(fill, ' ');
    out.append(text);
    if (how == align::left) out.append(fill, ' ');
    out.append(" |");
}

// Extra space goes to the right when it cannot be split evenly, as in timemory's headers.
std::string centre(const std::string& text, std::size_t width) {
    if (text.size() >= width) return text;
    const std::size_t left = (width - text.size()) / 2;
    return std::string(left, ' ') + text + std::string(width - text.size() - left, ' ');
}

std::string upper(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text)
        out.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
    return out;
}

// A label is one line of one cell: control characters (newline, tab, carriage return, the escape
// that starts a terminal colour sequence, C1 controls) are written as C escapes, "a<newline>b" as
// "a\\nb", so that neither the rows of the file nor the console are broken.
std::string printable_label(const std::string& label) {
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    out.reserve(label.size());
    for (std::size_t i = 0; i < label.size(); ++i) {
        auto c = static_cast<unsigned char>(label[i]);
        const bool c1 = c == 0xc2 && i + 1 < label.size() &&
                        (static_cast<unsigned char>(label[i + 1]) & 0xe0) == 0x80;
        if (c1) {  // U+0080..U+009F in UTF-8
            c = static_cast<unsigned char>(label[++i]);
            out += "\\u00";
        } else if (c >= 0x20 && c != 0x7f) {
            out.push_back(static_cast<char>(c));
            continue;
        } else if (c == '\n' || c == '\t' || c == '\r') {
            out += c == '\n' ? "\\n" : c == '\t' ? "\\t" : "\\r";
            continue;
        } else {
            out += "\\x";
        }
        out.push_back(hex[c >> 4]);
        out.push_back(hex[c & 15]);
    }
    return out;
}

std::string truncate_label(const std::string& label, std::int64_t max_width) {
    if (max_width <= 0 || label.size() <= static_cast<std::size_t>(max_width)) return label;
    const auto keep = static_cast<std::size_t>(std::max<std::int64_t>(max_width, 4) - 3);
    return label.substr(0, keep) + "...";
}

std::string percent(double value) {
    char buffer[32];
    std::snprintf(buffer, sizeof(buffer), "%.1f", value);
    return buffer;
}

}  // namespace

std::string format_text(const result_tree& tree, const component_info& info) {
    const auto& s = settings::instance();
    const auto rows = component_view(tree, info);
    const unsigned values = std::max(1u, info.size());

    std::vector<display_unit> units;
    for (unsigned v = 0; v < values; ++v) units.push_back(display_unit_for(info.value_units(v)));

    // Header words. "MEAN " carries a trailing blank so that it sits one column left of centre
    // exactly where timemory printed it; the tables of timemory 3's Python documentation are the
    // contract.
    // A job's combined report (tree.ranks set) describes each row over the ranks: SUM .. STDDEV
    // are statistics of the ranks' inclusive values, then the rank with the largest, and the
    // imbalance (max - mean) / max.
    const bool job = !tree.ranks.empty();
    std::vector<column> columns;
    columns.push_back({"LABEL", align::left, 0});
    columns.push_back({"COUNT", align::right, 6});
    columns.push_back({"DEPTH", align::right, 6});
    if (job) columns.push_back({"RANKS", align::right, 5});
    for (unsigned v = 0; v < values; ++v) {
        const auto kind = info.value_units(v);
        const auto width = static_cast<std::size_t>(display_width(kind));
        columns.push_back({"METRIC", align::left, 6});
        columns.push_back({"UNITS", align::left, 6});
        for (const char* h : {"SUM", "MEAN ", "MIN", "MAX", "STDDEV"}) {
            columns.push_back({h, align::right, width});
        }
        if (job) {
            columns.push_back({"MAX RANK", align::right, 8});
            columns.push_back({"IMBALANCE %", align::right, 11});
        }
        columns.push_back({"% SELF", align::right, 6});
    }

    // Cells, row by row. max_depth counts levels like the graph does: max_depth = 1 keeps only
    // the top-level regions (row depth 0).
    std::vector<std::vector<std::string>> cells;
    for (const auto& row : rows) {
        if (s.max_depth >= 0 && static_cast<std::int64_t>(row.depth) >= s.max_depth) continue;
        std::vector<std::string> line;
        std::uint64_t laps = 0;
        for (const auto& acc : row.inclusive) laps = std::max(laps, acc.count);
        line.push_back(truncate_label(printable_label(row.prefix), s.max_width));
        if (laps == 0) {
            // Placeholder row (declared, never measured, e.g. a traced line that did not run):
            // only the label, as timemory's tracer printed lines that never ran.
            line.resize(columns.size());
            cells.push_back(std::move(line));
            continue;
        }
        line.push_back(std::to_string(laps));
        line.push_back(std::to_string(row.depth));
        if (job) {
            std::uint32_t ranks = 0;
            for (const auto& r : row.over_ranks) ranks = std::max(ranks, r.ranks);
            line.push_back(std::to_string(ranks));
        }
        for (unsigned v = 0; v < values; ++v) {
            const auto kind = info.value_units(v);
            const double scale = units[v].scale;
            const accumulator empty;
            const accumulator& a = v < row.inclusive.size() ? row.inclusive[v] : empty;
            line.emplace_back(info.value_label(v));
            line.push_back(units[v].name);
            if (a.count == 0) {
                // Never measured (one value of a multi-valued component): blank, not zero.
                line.insert(line.end(), job ? 8 : 6, std::string{});
                continue;
            }
            auto num = [&](double raw) {
                return format_number(raw / scale, kind, info.integer_values);
            };
            if (job) {
                const rank_statistics none;
                const auto& r = v < row.over_ranks.size() ? row.over_ranks[v] : none;
                line.push_back(num(r.sum));
                line.push_back(num(r.mean()));
                line.push_back(num(r.min));
                line.push_back(num(r.max));
                line.push_back(num(r.stddev()));
                line.push_back(std::to_string(r.max_rank));
                line.push_back(percent(r.imbalance_percent()));
                line.push_back(percent(row.self_percent(v)));
                continue;
            }
            line.push_back(num(a.sum));
            line.push_back(num(a.mean()));
            line.push_back(num(a.reported_min()));
            line.push_back(num(a.reported_max()));
            line.push_back(num(a.stddev()));
            line.push_back(percent(row.self_percent(v)));
        }
        cells.push_back(std::move(line));
    }
    if (cells.empty()) return {};

    for (std::size_t c = 0; c < columns.size(); ++c) {
        auto& col = columns[c];
        col.width = std::max(col.width, col.header.size());
        for (const auto& line : cells) col.width = std::max(col.width, line[c].size());
    }

    // The banner must fit inside the rules; a long description widens the label column.
    const std::string banner = [&] {
        std::string text = upper(info.description.empty() ? info.label : info.description);
        if (!job) return text;
        // Appended piece by piece: GCC 12 warns falsely (-Wrestrict) on a chain of operator+.
        const auto world =
            std::max<std::size_t>(static_cast<std::size_t>(tree.world_size), tree.ranks.size());
        text.append(" OVER ").append(std::to_string(tree.ranks.size()));
        text.append(" OF ").append(std::to_string(world)).append(" RANKS");
        return text;
    }();
    std::size_t inner = columns.size() - 1;  // separators between columns
    for (const auto& col : columns) inner += col.width + 2;
    if (banner.size() + 2 > inner) {
        columns[0].width += banner.size() + 2 - inner;
        inner = banner.size() + 2;
    }

    const std::string rule = "|" + std::string(inner, '-') + "|\n";
    std::string sub_rule = "|";
    std::string header = "|";
    for (const auto& col : columns) {
        sub_rule += std::string(col.width + 2, '-') + "|";
        header += centre(col.header, col.width + 2) + "|";
    }
    sub_rule += "\n";
    header += "\n";

    std::string out;
    out.reserve((inner + 3) * (cells.size() + 6));
    out += rule;
    out += "|" + centre(banner, inner) + "|\n";
    out += rule;
    out += header;
    out += sub_rule;
    const std::int64_t every = s.separator_frequency;
    for (std::size_t r = 0; r < cells.size(); ++r) {
        if (every > 0 && r > 0 && r % static_cast<std::size_t>(every) == 0) out += sub_rule;
        out += "|";
        for (std::size_t c = 0; c < columns.size(); ++c) {
            append_cell(out, cells[r][c], columns[c].width, columns[c].alignment);
        }
        out += "\n";
    }
    out += rule;
    return out;
}

}  // namespace tim
