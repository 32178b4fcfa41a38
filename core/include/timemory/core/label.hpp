// Labels are ids: a region name is hashed once (std::hash<std::string_view>, the same values
// timemory 3 produced with libstdc++) and the hash -> text mapping lives in one process-wide
// registry. Hot paths carry only the 64-bit hash.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace tim {

using hash_value = std::uint64_t;

/// Hash of a label without registering it (cheap; used by by-name lookups on hot paths).
inline hash_value hash_label(std::string_view text) noexcept {
    return std::hash<std::string_view>{}(text);
}

/// Hash a label and remember its text so outputs can print it. Thread-safe; takes a lock only
/// the first time a given text is seen.
hash_value add_label(std::string_view text);

/// Text registered for a hash, or "unknown-hash=<n>" if none was.
std::string label_text(hash_value hash);

/// A label hashed and registered once, typically a function-local static built by the
/// TIMEMORY_* scope macros, so that the hot path only copies the hash.
class label_id {
  public:
    explicit label_id(std::string_view text) : m_hash{add_label(text)} {}
    constexpr hash_value hash() const noexcept { return m_hash; }

  private:
    hash_value m_hash;
};

}  // namespace tim
