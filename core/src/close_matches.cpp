#include "timemory/core/close_matches.hpp"

#include <algorithm>
#include <numeric>

namespace tim {
namespace {

constexpr char lower(char c) noexcept {
    return (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c;
}

bool iequal(std::string_view lhs, std::string_view rhs) noexcept {
    return lhs.size() == rhs.size() &&
           std::equal(lhs.begin(), lhs.end(), rhs.begin(),
                      [](char a, char b) { return lower(a) == lower(b); });
}

bool icontains(std::string_view haystack, std::string_view needle) noexcept {
    if (needle.size() > haystack.size()) return false;
    for (std::size_t i = 0; i + needle.size() <= haystack.size(); ++i)
        if (iequal(haystack.substr(i, needle.size()), needle)) return true;
    return false;
}

}  // namespace

std::size_t edit_distance(std::string_view lhs, std::string_view rhs) {
    // Three rolling rows: two back (for transpositions), previous and current.
    const std::size_t n = rhs.size();
    std::vector<std::size_t> prev2(n + 1), prev(n + 1), cur(n + 1);
    std::iota(prev.begin(), prev.end(), std::size_t{0});
    for (std::size_t i = 1; i <= lhs.size(); ++i) {
        cur[0] = i;
        for (std::size_t j = 1; j <= n; ++j) {
            const bool same = lower(lhs[i - 1]) == lower(rhs[j - 1]);
            cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (same ? 0 : 1)});
            if (i > 1 && j > 1 && lower(lhs[i - 1]) == lower(rhs[j - 2]) &&
                lower(lhs[i - 2]) == lower(rhs[j - 1]))
                cur[j] = std::min(cur[j], prev2[j - 2] + 1);
        }
        std::swap(prev2, prev);
        std::swap(prev, cur);
    }
    return prev[n];
}

std::vector<std::string> close_matches(std::string_view word,
                                       const std::vector<std::string>& candidates,
                                       std::size_t max) {
    if (max == 0 || word.empty()) return {};
    const std::size_t limit = std::max<std::size_t>(2, word.size() / 3);

    struct hit {
        std::size_t distance;
        std::size_t index;
    };
    std::vector<hit> hits;
    for (std::size_t i = 0; i < candidates.size(); ++i) {
        const std::string& cand = candidates[i];
        if (cand.empty()) continue;
        const std::size_t dist = edit_distance(word, cand);
        const bool contains = word.size() >= 3 && cand.size() >= 3 &&
                              (icontains(cand, word) || icontains(word, cand));
        if (dist <= limit || contains) hits.push_back({dist, i});
    }
    std::stable_sort(hits.begin(), hits.end(),
                     [](const hit& a, const hit& b) { return a.distance < b.distance; });

    std::vector<std::string> out;
    for (const hit& h : hits) {
        const std::string& cand = candidates[h.index];
        const bool seen = std::any_of(out.begin(), out.end(),
                                      [&](const std::string& s) { return iequal(s, cand); });
        if (seen) continue;
        out.push_back(cand);
        if (out.size() == max) break;
    }
    return out;
}

std::string did_you_mean(const std::vector<std::string>& matches) {
    if (matches.empty()) return {};
    std::string out = "; did you mean: ";
    for (std::size_t i = 0; i < matches.size(); ++i) {
        if (i > 0) out += ", ";
        out += matches[i];
    }
    out += '?';
    return out;
}

}  // namespace tim
