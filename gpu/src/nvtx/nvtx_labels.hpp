// Region labels as NVTX sees them: each label's text is registered once in the "timemory" domain
// (nvtxDomainRegisterStringA) and gets a colour derived from its hash, so that a region looks the
// same in every run. The process-wide table locks only for a label it has not seen; each thread
// keeps a small open-addressing cache in front of it, so that a known label costs one probe of
// that cache: no lock, no allocation.
#pragma once

#include "timemory/core/label.hpp"
#include "timemory/core/macros.hpp"

#include <nvtx3/nvToolsExt.h>

#include <cstddef>
#include <cstdint>
#include <vector>

namespace tim::gpu::nvtx {

/// What a range of one label is pushed with. Created once per label, never freed (the tool may
/// keep the text and handle for the whole run).
struct label_entry {
    nvtxEventAttributes_t attributes;  ///< registered string (or the text) and colour
};

/// Opaque ARGB colour of a label: a hue taken from the hash, the same in every run and process.
std::uint32_t label_color(hash_value hash) noexcept;

/// The process-wide entry of `hash`, registered in `domain` on first sight. nullptr while the
/// label's text is unknown (tim::add_label not called for it yet) unless `allow_unknown`: then
/// the entry carries tim::label_text's "unknown-hash=<n>" and is not remembered for the hash.
TIMEMORY_NOINLINE const label_entry* shared_label(nvtxDomainHandle_t domain, hash_value hash,
                                                  bool allow_unknown) noexcept;

/// One thread's cache of shared_label(): hash -> entry. Lookups never lock or allocate.
class label_cache {
  public:
    TIMEMORY_INLINE const label_entry* find(hash_value hash) const noexcept {
        if (TIMEMORY_UNLIKELY(m_slots.empty())) return nullptr;
        for (std::size_t i = slot_of(hash);; i = (i + 1) & m_mask) {
            const slot& s = m_slots[i];
            if (s.entry == nullptr) return nullptr;
            if (s.hash == hash) return s.entry;
        }
    }

    /// Remember `entry` for `hash` (a label new to this thread: may allocate).
    void insert(hash_value hash, const label_entry* entry);

  private:
    struct slot {
        hash_value hash = 0;
        const label_entry* entry = nullptr;  ///< nullptr: empty slot
    };
    std::size_t slot_of(hash_value hash) const noexcept {
        // std::hash of a string is already well mixed; fold the high half in anyway.
        return static_cast<std::size_t>(hash ^ (hash >> 32)) & m_mask;
    }

    std::vector<slot> m_slots;
    std::size_t m_mask = 0;
    std::size_t m_used = 0;
};

}  // namespace tim::gpu::nvtx
