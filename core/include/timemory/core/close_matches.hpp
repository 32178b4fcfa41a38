// "Did you mean ...?" support: case-insensitive edit distance and close-match lookup, shared by
// the settings table (unknown setting names) and the component registry (unknown component ids).
//
//     auto hints = tim::close_matches("presicion", names);  // {"precision"}
//     std::string msg = "unknown setting 'presicion'" + tim::did_you_mean(hints);
//     // -> "unknown setting 'presicion'; did you mean: precision?"
#pragma once

#include "timemory/core/macros.hpp"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace tim {

/// Optimal-string-alignment distance (Levenshtein plus adjacent transpositions), comparing
/// ASCII letters case-insensitively.
TIMEMORY_VISIBLE std::size_t edit_distance(std::string_view lhs, std::string_view rhs);

/// Up to `max` candidates that look like `word`, best first. A candidate qualifies when its edit
/// distance is at most max(2, word.size() / 3), or when one of the two contains the other (both at
/// least 3 characters long). Comparison is case-insensitive; the candidates are returned as given,
/// without duplicates.
TIMEMORY_VISIBLE std::vector<std::string> close_matches(std::string_view word,
                                                        const std::vector<std::string>& candidates,
                                                        std::size_t max = 3);

/// "; did you mean: a, b?" for a non-empty list, "" otherwise.
TIMEMORY_VISIBLE std::string did_you_mean(const std::vector<std::string>& matches);

}  // namespace tim
